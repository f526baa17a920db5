using System.CommandLine;
using Slipway.Store;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway fsck [--repair]</c>: verifies the store. One line per problem on stdout
/// (<c>KIND SUBJECT PROBLEM[; removed]</c>), a summary on stderr; exit 0 when nothing is wrong (or, with --repair,
/// everything wrong was removed), 1 otherwise.</summary>
internal static class FsckCommand
{
    public static Command Create(GlobalOptions globals, ICliEnvironment env)
    {
        var repair = new Option<bool>("--repair") { Description = "Remove what is bad (corrupt blobs, unverified snapshots, broken refs) so the next pull or build restores it" };
        var command = new Command("fsck", "Verify the store: every blob's digest, every snapshot's diffID, every image's content") { repair };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var result = await new StoreVerifier(ctx.Store).CheckAsync(parse.GetValue(repair), problem =>
            {
                ctx.Env.Out.WriteLine(problem.ToString());
            }, token).ConfigureAwait(false);
            var repaired = result.Problems.Count(p => p.Repair is not null);
            ctx.Env.Error.WriteLine(
                $"checked {result.Blobs} blobs, {result.Snapshots} snapshots, {result.Refs} refs: {result.Problems.Count} problems" +
                (parse.GetValue(repair) ? $", {repaired} repaired" : ""));
            return result.Problems.Count == 0 || (parse.GetValue(repair) && result.Clean) ? 0 : 1;
        }, ct));
        return command;
    }
}
