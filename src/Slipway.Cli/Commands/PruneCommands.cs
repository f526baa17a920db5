using System.CommandLine;
using Slipway.Build.Engine;
using Slipway.Build.Hygiene;
using Slipway.Cli.Output;
using Slipway.Store.Images;

namespace Slipway.Cli.Commands;

/// <summary><c>prune</c> (what <c>docker system prune</c> and <c>docker buildx prune</c> do for an image builder:
/// dangling images, then what no image needs, and build cache) and <c>image prune</c> (<c>docker image prune</c>),
/// with docker's confirmation prompt unless <c>-f</c>, its <c>Deleted Images:</c> list and its total.</summary>
internal static class PruneCommands
{
    public static Command Prune(GlobalOptions globals, ICliEnvironment env)
    {
        var force = new Option<bool>("--force", "-f") { Description = "Do not prompt for confirmation" };
        var all = new Option<bool>("--all", "-a") { Description = "Remove all unused build cache (records and cache mounts), not just dangling data" };
        var buildCache = new Option<bool>("--build-cache") { Description = "Same as --all", Hidden = true };
        var keepStorage = new Option<string?>("--keep-storage")
        {
            Description = "Remove build cache, least recently used first, until it takes at most this much (e.g. 10GB, 512MB, 1.5GiB)",
            HelpName = "SIZE",
        };
        var filters = new Option<string[]>("--filter") { Description = "Provide filter values (until=24h: only dangling images and cache from before then)", HelpName = "until=DURATION|TIMESTAMP" };
        var command = new Command("prune", "Remove dangling images and what no image needs: blobs, unpacked snapshots, partial downloads, and build cache with --all, --keep-storage or --filter until=")
        {
            force, all, buildCache, keepStorage, filters,
        };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            long? keep = null;
            if (parse.GetValue(keepStorage) is { } size)
            {
                if (!Store.ByteSize.TryParse(size, out var bytes, out var sizeError))
                {
                    return ErrorRenderer.Fail(ctx.Env.Error, $"--keep-storage: {sizeError}");
                }

                keep = bytes;
            }

            DateTimeOffset? until = null;
            foreach (var filter in parse.GetValue(filters) ?? [])
            {
                if (!PruneFilter.TryParse(filter, ctx.Env.Time.GetUtcNow(), out var cutoff, out var filterError))
                {
                    return ErrorRenderer.Fail(ctx.Env.Error, filterError!);
                }

                until = until is { } earlier && earlier < cutoff ? earlier : cutoff;
            }

            var options = new PruneOptions { All = parse.GetValue(all) || parse.GetValue(buildCache), KeepStorage = keep, Until = until };
            if (!parse.GetValue(force) && !Confirm(ctx.Env,
                    "WARNING! This will remove:\n  - all stopped containers\n  - all dangling images\n  - " + (options.All ? "all build cache" : "unused build cache")
                    + "\n\nAre you sure you want to continue?"))
            {
                return 0;
            }

            // As docker system prune: stopped containers first, so that the images only they used are dangling next.
            var (containers, containerBytes) = await ContainerRuntimes.Control(ctx).PruneAsync(c => until is null || c.Record.Created < until, token)
                .ConfigureAwait(false);
            WriteDeleted(ctx.Env.Out, "Deleted Containers:", containers);
            var inUse = await ImagesInUse.IdsAsync(ctx, token).ConfigureAwait(false);
            var images = await ctx.Images.PruneAsync(all: false, n => (until is null || n.Image.Config.Created < until) && !n.ImageIds.Any(inUse.Contains), token)
                .ConfigureAwait(false);
            WriteDeleted(ctx.Env.Out, "Deleted Images:", images);
            var result = await Hygiene(ctx).PruneAsync(options, token).ConfigureAwait(false);
            if (result.AbandonedWorkspaces > 0)
            {
                ctx.Env.Out.WriteLine($"Reclaimed {result.AbandonedWorkspaces} workspaces of interrupted builds (their mounts and containers)");
            }

            foreach (var digest in result.Blobs.RemovedBlobs)
            {
                ctx.Env.Out.WriteLine($"deleted: {digest}");
            }

            if (result.CacheRecords > 0 || result.Snapshots > 0 || result.CacheMounts > 0)
            {
                ctx.Env.Out.WriteLine($"Removed {result.CacheRecords} build cache records, {result.CacheMounts} cache mounts and {result.Snapshots} snapshots");
            }

            ctx.Env.Out.WriteLine($"Total reclaimed space: {Units.HumanSizePrecise(result.ReclaimedBytes + containerBytes)}");
            return 0;
        }, ct));
        return command;
    }

    /// <summary><c>slipway image prune</c>: dangling images, or with <c>-a</c> every image no container uses, then the
    /// blobs and snapshots only they held.</summary>
    public static Command Image(GlobalOptions globals, ICliEnvironment env)
    {
        var force = new Option<bool>("--force", "-f") { Description = "Do not prompt for confirmation" };
        var all = new Option<bool>("--all", "-a") { Description = "Remove all unused images, not just dangling ones" };
        var filters = new Option<string[]>("--filter") { Description = "Provide filter values (e.g. \"until=<timestamp>\", \"label=<key>=<value>\")" };
        var prune = new Command("prune", "Remove unused images") { force, all, filters };
        prune.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var filter = await ImageFilter.ParseAsync(parse.GetValue(filters) ?? [], ctx.Env.Time.GetUtcNow(),
                _ => throw new ImageException("invalid filter"), new HashSet<string>(["label", "label!", "until"])).ConfigureAwait(false);
            var everything = parse.GetValue(all);
            if (!parse.GetValue(force) && !Confirm(ctx.Env, everything
                    ? "WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?"
                    : "WARNING! This will remove all dangling images.\nAre you sure you want to continue?"))
            {
                return 0;
            }

            var inUse = await ImagesInUse.IdsAsync(ctx, token).ConfigureAwait(false);
            var lines = await ctx.Images.PruneAsync(everything, n => filter.MatchesImage(n) && !n.ImageIds.Any(inUse.Contains), token).ConfigureAwait(false);
            WriteDeleted(ctx.Env.Out, "Deleted Images:", lines);
            var result = lines.Count == 0 ? null : await Hygiene(ctx).PruneAsync(new PruneOptions(), token).ConfigureAwait(false);
            ctx.Env.Out.WriteLine($"Total reclaimed space: {Units.HumanSizePrecise(result?.ReclaimedBytes ?? 0)}");
            return 0;
        }, ct));
        return new Command("image", "Manage images") { prune };
    }

    /// <summary>docker's list of what a prune removed: the heading (<c>Deleted Containers:</c>, <c>Deleted Images:</c>),
    /// one line each, a blank line; nothing when nothing went.</summary>
    internal static void WriteDeleted(TextWriter output, string heading, IReadOnlyList<string> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        output.WriteLine(heading);
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        output.WriteLine();
    }

    /// <summary>docker's prompt: the question and <c>[y/N]</c>; only a line that is <c>y</c> goes on.</summary>
    internal static bool Confirm(ICliEnvironment env, string message)
    {
        env.Out.Write(message + " [y/N] ");
        env.Out.Flush();
        return string.Equals(env.In.ReadLine()?.Trim(), "y", StringComparison.OrdinalIgnoreCase);
    }

    private static StoreHygiene Hygiene(CommandContext ctx)
    {
        var runtimes = Runtime.RuntimeDetector.Detect(ctx.Env.GetVariable("PATH"), Runtime.CgroupLayout.Unknown)
            .Where(r => r.Path is not null)
            .Select(r => Composition.Runtime(ctx.Store.Layout, r.Path!))
            .ToList();
        return new StoreHygiene(ctx.Store) { Runtimes = runtimes, Network = Runtime.Network.NetworkTools.Find(ctx.Env.GetVariable("PATH")) };
    }
}
