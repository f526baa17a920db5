using System.CommandLine;
using System.Globalization;
using Slipway.Build.Containers;
using Slipway.Build.Containers.Logs;
using Slipway.Cli.Output;
using Slipway.Runtime;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway logs</c> (also <c>container logs</c>): a container's json-file log, stdout entries to
/// stdout and stderr entries to stderr, as <c>docker logs</c> prints them; <c>-f</c> follows until the container
/// stops.</summary>
internal static class LogsCommand
{
    public static Command Create(GlobalOptions globals, ICliEnvironment env)
    {
        var follow = new Option<bool>("--follow", "-f") { Description = "Follow log output" };
        var since = new Option<string?>("--since")
        {
            Description = "Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)",
        };
        var until = new Option<string?>("--until")
        {
            Description = "Show logs before a timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)",
        };
        var timestamps = new Option<bool>("--timestamps", "-t") { Description = "Show timestamps" };
        var tail = new Option<string>("--tail", "-n")
        {
            Description = "Number of lines to show from the end of the logs",
            DefaultValueFactory = _ => "all",
        };
        var container = new Argument<string>("CONTAINER");
        var command = new Command("logs", "Fetch the logs of a container") { follow, since, until, timestamps, tail, container };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var now = ctx.Env.Time.GetUtcNow();
            var local = ctx.Env.Time.LocalTimeZone;
            var query = new LogQuery(
                Tail(parse.GetValue(tail)),
                parse.GetValue(since) is { Length: > 0 } s ? LogTimes.Parse("since", s, now, local) : null,
                parse.GetValue(until) is { Length: > 0 } u ? LogTimes.Parse("until", u, now, local) : null,
                parse.GetValue(follow),
                parse.GetValue(timestamps));
            var store = ctx.Containers;
            var found = await store.FindAsync(parse.GetValue(container)!, token).ConfigureAwait(false);
            var id = found.Id;
            await foreach (var entry in JsonFileLog.ReadAsync(store.LogPath(id), query, () => StillRunning(store, id), token).ConfigureAwait(false))
            {
                var output = entry.Channel == OutputChannel.Stderr && !found.Record.Tty ? ctx.Env.Error : ctx.Env.Out;
                await output.WriteAsync(entry.Render(query.Timestamps)).ConfigureAwait(false);
                await output.FlushAsync(token).ConfigureAwait(false);
            }

            return 0;
        }, ct));
        return command;
    }

    /// <summary>dockerd's reading of <c>--tail</c>: a number of lines, and anything else (<c>all</c>, a negative
    /// number, a word) means all of them.</summary>
    internal static int? Tail(string? value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : null;

    /// <summary>Whether a follower should keep waiting: the container runs and its supervisor is alive.</summary>
    private static bool StillRunning(ContainerStore store, string id)
    {
        try
        {
            var current = store.FindAsync(id).GetAwaiter().GetResult();
            return current.State.IsRunning && store.IsSupervisorAlive(id);
        }
        catch (ContainerException)
        {
            return false; // removed while followed
        }
    }
}
