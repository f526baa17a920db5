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
        var parse = root.Parse(TrailingArguments.Separate(root, args));
        if (UnknownFlags.Find(parse) is { } unknown)
        {
            // As docker's flag parser answers: the flag named, not the word after it that it made look misplaced.
            ErrorRenderer.Fail(env.Error, unknown);
            env.Error.WriteLine($"See '{CommandPath(parse.CommandResult)} --help'.");
            return 1;
        }

        if (parse.Action is ParseErrorAction)
        {
            // A command line that does not parse is a user error like any other: ERROR lines, then where to look,
            // as docker says it, rather than System.CommandLine's whole help text.
            foreach (var error in parse.Errors)
            {
                ErrorRenderer.Fail(env.Error, error.Message);
            }

            env.Error.WriteLine($"See '{CommandPath(parse.CommandResult)} --help'.");
            return 1;
        }

        var config = new InvocationConfiguration { Output = env.Out, Error = env.Error, ProcessTerminationTimeout = null };
        return await parse.InvokeAsync(config, env.Termination).ConfigureAwait(false);
    }

    /// <summary>The command as typed: <c>slipway dockerfile parse</c>.</summary>
    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult command)
            {
                names.Insert(0, command.Parent is null ? "slipway" : command.Command.Name);
            }
        }

        return string.Join(' ', names);
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
