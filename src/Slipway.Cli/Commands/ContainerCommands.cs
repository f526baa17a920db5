using System.CommandLine;
using Slipway.Build.Containers;
using Slipway.Cli.Output;

namespace Slipway.Cli.Commands;

/// <summary><c>stop</c>, <c>kill</c>, <c>rm</c>, <c>container prune</c> and the <c>container</c> group with docker's
/// aliases, and the hidden command a detached container's supervisor runs. Each command taking several containers
/// goes on past one it cannot act on, prints each it did as it was given, and fails at the end, as docker's do.</summary>
internal static class ContainerCommands
{
    /// <summary>The hidden command <c>run -d</c> starts as the container's supervisor.</summary>
    public const string SuperviseName = "container-supervise";

    /// <summary>The <c>container</c> group: every container command under one name, with docker's aliases.
    /// <paramref name="more"/> are the other container commands (ps, logs, exec…), added here in one place.</summary>
    public static Command Group(GlobalOptions globals, ICliEnvironment env, IEnumerable<Command> more)
    {
        ArgumentNullException.ThrowIfNull(more);
        var group = new Command("container", "Manage containers")
        {
            Run(globals, env), ExecCommand.Create(globals, env), Stop(globals, env), Kill(globals, env), Remove(globals, env), Prune(globals, env),
            InspectCommand.Container(globals, env),
        };
        foreach (var command in more)
        {
            group.Subcommands.Add(command);
        }

        return group;
    }

    /// <summary>The top-level container commands (<c>slipway run</c>, <c>slipway stop</c> …), as docker has them beside
    /// <c>docker container …</c>.</summary>
    public static IEnumerable<Command> TopLevel(GlobalOptions globals, ICliEnvironment env) =>
        [Run(globals, env), ExecCommand.Create(globals, env), Stop(globals, env), Kill(globals, env), Remove(globals, env), Supervise(globals, env)];

    private static Command Run(GlobalOptions globals, ICliEnvironment env) => RunCommand.Create(globals, env);

    public static Command Stop(GlobalOptions globals, ICliEnvironment env)
    {
        var containers = new Argument<string[]>("CONTAINER") { Arity = ArgumentArity.OneOrMore };
        var signal = new Option<string?>("--signal", "-s") { Description = "Signal to send to the container (default: the image's STOPSIGNAL, else SIGTERM)" };
        var time = new Option<int?>("--timeout", "-t") { Description = "Seconds to wait before killing the container (default 10)" };
        var command = new Command("stop", "Stop one or more running containers") { containers, signal, time };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, (ctx, token) =>
            EachAsync(ctx, parse.GetValue(containers)!, async (control, container) =>
            {
                var number = Signals.Parse(parse.GetValue(signal) ?? container.Record.Config.StopSignal ?? "SIGTERM");
                var timeout = parse.GetValue(time) is { } seconds && seconds >= 0 ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromSeconds(10);
                await control.StopAsync(container, number, timeout, token).ConfigureAwait(false);
            }, token), ct));
        return command;
    }

    public static Command Kill(GlobalOptions globals, ICliEnvironment env)
    {
        var containers = new Argument<string[]>("CONTAINER") { Arity = ArgumentArity.OneOrMore };
        var signal = new Option<string>("--signal", "-s") { Description = "Signal to send to the container", DefaultValueFactory = _ => "KILL" };
        var command = new Command("kill", "Kill one or more running containers") { containers, signal };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, (ctx, token) =>
            EachAsync(ctx, parse.GetValue(containers)!, async (control, container) =>
            {
                var number = Signals.Parse(parse.GetValue(signal)!);
                if (!await control.KillAsync(container, number, token).ConfigureAwait(false))
                {
                    throw new ContainerException($"cannot kill container: {container.Name}: container {container.Id} is not running");
                }
            }, token), ct));
        return command;
    }

    public static Command Remove(GlobalOptions globals, ICliEnvironment env)
    {
        var containers = new Argument<string[]>("CONTAINER") { Arity = ArgumentArity.OneOrMore };
        var force = new Option<bool>("--force", "-f") { Description = "Force the removal of a running container (uses SIGKILL)" };
        var volumes = new Option<bool>("--volumes", "-v") { Description = "Remove anonymous volumes associated with the container (Slipway makes none)" };
        var command = new Command("rm", "Remove one or more containers") { containers, force, volumes };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, (ctx, token) =>
            EachAsync(ctx, parse.GetValue(containers)!, (control, container) => control.RemoveAsync(container, parse.GetValue(force), token), token), ct));
        return command;
    }

    public static Command Prune(GlobalOptions globals, ICliEnvironment env)
    {
        var force = new Option<bool>("--force", "-f") { Description = "Do not prompt for confirmation" };
        var command = new Command("prune", "Remove all stopped containers") { force };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            if (!parse.GetValue(force) && !PruneCommands.Confirm(ctx.Env, "WARNING! This will remove all stopped containers.\nAre you sure you want to continue?"))
            {
                return 0;
            }

            var (removed, bytes) = await ContainerRuntimes.Control(ctx).PruneAsync(_ => true, token).ConfigureAwait(false);
            PruneCommands.WriteDeleted(ctx.Env.Out, "Deleted Containers:", removed);
            ctx.Env.Out.WriteLine($"Total reclaimed space: {Units.HumanSizePrecise(bytes)}");
            return 0;
        }, ct));
        return command;
    }

    /// <summary>The detached supervisor: owns the container until it ends; its exit status is the container's.</summary>
    private static Command Supervise(GlobalOptions globals, ICliEnvironment env)
    {
        var id = new Argument<string>("ID");
        var command = new Command(SuperviseName, "Supervise a detached container (started by run -d)") { id };
        command.Hidden = true;
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var record = (await ctx.Containers.FindAsync(parse.GetValue(id)!, token).ConfigureAwait(false)).Record;
            try
            {
                var state = await ContainerRuntimes.Supervisor(ctx, record).RunAsync(record.Id, token).ConfigureAwait(false);
                return state.ExitCode;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Nobody reads this process's stderr: the container's state is where run -d (and ps) look.
                await ctx.Containers.UpdateStateAsync(record.Id, s => s.Status == ContainerState.Created && s.Error.Length == 0
                    ? s with { Error = ErrorRenderer.Message(ex), ExitCode = ContainerExit.StartFailed }
                    : s, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }, ct));
        return command;
    }

    /// <summary>Acts on each named container in turn; prints each done as given, each failure as an error line.</summary>
    private static async Task<int> EachAsync(CommandContext ctx, IEnumerable<string> names, Func<ContainerControl, StoredContainer, Task> act, CancellationToken token)
    {
        var control = ContainerRuntimes.Control(ctx);
        var status = 0;
        foreach (var name in names)
        {
            try
            {
                var container = await ctx.Containers.FindAsync(name, token).ConfigureAwait(false);
                await act(control, container).ConfigureAwait(false);
                ctx.Env.Out.WriteLine(name);
            }
            catch (ContainerException ex)
            {
                status = ErrorRenderer.Render(ctx.Env.Error, ex, ctx.Debug);
            }
        }

        return status;
    }
}
