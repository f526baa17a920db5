using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Reflection;
using Slipway.Cli.Commands;
using Slipway.Cli.Output;

namespace Slipway.Cli;

/// <summary>The command tree. Only this project touches the console, the environment and exit codes.</summary>
internal static class SlipwayApp
{
    public static string Version =>
        typeof(SlipwayApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            .Split('+')[0] ?? "0.0.0";

    public static RootCommand Create(ICliEnvironment env)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("Slipway: a daemonless, Docker-compatible container image builder.");
        // The built-in --version reads the entry assembly, which is the test host under tests.
        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Action = new PrintVersionAction();
        }

        root.Options.Add(globals.Root);
        root.Options.Add(globals.Debug);
        root.Subcommands.Add(InfoCommand.Create(globals, env));
        root.Subcommands.Add(TransferCommands.Pull(globals, env));
        root.Subcommands.Add(TransferCommands.Push(globals, env));
        root.Subcommands.Add(LoginCommands.Login(globals, env));
        root.Subcommands.Add(LoginCommands.Logout(globals, env));
        root.Subcommands.Add(ImagesCommand.Create(globals, env));
        root.Subcommands.Add(ImageCommands.Tag(globals, env));
        root.Subcommands.Add(ImageCommands.Remove(globals, env));
        root.Subcommands.Add(InspectCommand.Create(globals, env));
        root.Subcommands.Add(HistoryCommand.Create(globals, env));
        root.Subcommands.Add(SizeCommand.Create(globals, env));
        root.Subcommands.Add(ArchiveCommands.Save(globals, env));
        root.Subcommands.Add(ArchiveCommands.Load(globals, env));
        root.Subcommands.Add(ArchiveCommands.Import(globals, env));
        root.Subcommands.Add(PruneCommands.Prune(globals, env));
        root.Subcommands.Add(PruneCommands.Image(globals, env));
        root.Subcommands.Add(FsckCommand.Create(globals, env));
        root.Subcommands.Add(DockerfileCommand.Create(env));
        root.Subcommands.Add(BuildCommand.Create(globals, env));
        root.Subcommands.Add(CheckCommand.Create(env));
        foreach (var command in ContainerCommands.TopLevel(globals, env))
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(PsCommand.Create(globals, env));
        root.Subcommands.Add(LogsCommand.Create(globals, env));

        // The container group: ps, logs and exec join through the list (docker's `container ls|ps|list`, …).
        root.Subcommands.Add(ContainerCommands.Group(globals, env, [PsCommand.Create(globals, env, "ls", "ps", "list"), LogsCommand.Create(globals, env)]));
        root.Subcommands.Add(SbomCommand.Create(globals, env));
        return root;
    }

    /// <summary>Runs a command line, cancelled by <see cref="ICliEnvironment.Termination"/> (the process's termination
    /// signals, <see cref="TerminationSignals"/>). System.CommandLine's own handling is off: it lets the process end
    /// two seconds after a signal, whether or not the command has removed its mounts and containers.</summary>
    public static async Task<int> RunAsync(string[] args, ICliEnvironment env)
    {
        var root = Create(env);
        var separated = TrailingArguments.Separate(root, args);
        var parse = root.Parse(separated);
        if (UnknownFlags.Find(root, separated) is { } unknown)
        {
            // docker's own text (cli.FlagErrorFunc, also buildx's as a CLI plugin): the flag named, not the word after
            // it that it made look misplaced; then the usage line and where to look; status 125.
            env.Error.WriteLine(unknown.Message);
            WriteUsage(env.Error, unknown.Command);
            return FlagErrorStatus;
        }

        if (parse.Action is ParseErrorAction)
        {
            // A command line that does not parse is a user error like any other: ERROR lines, then the usage as docker
            // shows it, rather than System.CommandLine's whole help text. A value a flag cannot take is a flag error
            // (pflag's "invalid argument", 125); a missing or extra argument is the command's (1), as in docker.
            foreach (var error in parse.Errors)
            {
                ErrorRenderer.Fail(env.Error, error.Message);
            }

            WriteUsage(env.Error, parse.CommandResult.Command);
            return parse.Errors.Any(e => e.SymbolResult is OptionResult) ? FlagErrorStatus : 1;
        }

        var config = new InvocationConfiguration { Output = env.Out, Error = env.Error, ProcessTerminationTimeout = null };
        return await parse.InvokeAsync(config, env.Termination).ConfigureAwait(false);
    }

    /// <summary>The status docker's CLI exits with for a flag it cannot read (cli.StatusError in FlagErrorFunc).</summary>
    public const int FlagErrorStatus = 125;

    private static void WriteUsage(TextWriter error, Command command)
    {
        error.WriteLine();
        error.WriteLine($"Usage:  {UnknownFlags.UseLine(command)}");
        error.WriteLine();
        error.WriteLine($"Run '{UnknownFlags.CommandPath(command)} --help' for more information");
    }
}

internal sealed class PrintVersionAction : System.CommandLine.Invocation.SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(SlipwayApp.Version);
        return 0;
    }
}
