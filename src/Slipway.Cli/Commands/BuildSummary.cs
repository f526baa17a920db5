using Slipway.Build.Cache;
using Slipway.Build.Engine;
using Slipway.Build.Request;
using Slipway.Cli.Output;
using Slipway.Insight;
using Slipway.Store.Images;

namespace Slipway.Cli.Commands;

/// <summary>What <c>slipway build</c> prints besides its progress: BuildKit's closing lines (or, under <c>-q</c>,
/// the image id) and the reports. A failure is the renderer's (Output/ErrorRenderer).</summary>
internal static class BuildSummary
{
    /// <summary>After the build, before the exports: the image written and named, the caches exported.</summary>
    public static void WriteBuilt(CommandContext ctx, BuildInvocation invocation, BuildResult result)
    {
        // buildx's -q prints the index's digest for several platforms (there is no one image id).
        var id = result.Index?.Descriptor.Digest.Value ?? result.Image.Id.Value;
        if (ctx.Debug)
        {
            ctx.Env.Error.WriteLine($"context files: {result.ContextFiles.FromIndex} from the index, {result.ContextFiles.Hashed} read and hashed");
        }

        if (!invocation.Quiet)
        {
            foreach (var image in result.Index is null ? [] : result.Images)
            {
                ctx.Env.Error.WriteLine($"#0 exporting manifest {image.ManifestDescriptor.Digest.Value} done");
                ctx.Env.Error.WriteLine($"#0 exporting config {image.Id.Value} done");
            }

            ctx.Env.Error.WriteLine(result.Index is null ? $"#0 writing image {id} done" : $"#0 exporting manifest list {id} done");
            foreach (var tag in result.NamedInStore ? result.Tags : [])
            {
                ctx.Env.Error.WriteLine($"#0 naming to {tag} done");
            }

            foreach (var cache in invocation.Request.Options.CacheTo.Where(c => c.Type != CacheType.Inline))
            {
                ctx.Env.Error.WriteLine($"#0 exporting cache to {(cache.Type == CacheType.Local ? cache.Dest : cache.Ref)} done");
            }
        }
        else if (!invocation.Request.OutputsToStandardOutput)
        {
            // Standard output carries the archive when an output goes there; the id stays off it.
            ctx.Env.Out.WriteLine(id);
        }
    }

    /// <summary><c>--report</c>, after the exports.</summary>
    public static async Task WriteReportsAsync(CommandContext ctx, BuildRequest request, BuildResult result, CancellationToken cancellationToken)
    {
        foreach (var report in request.Reports)
        {
            switch (report)
            {
                case BuildReport.Size:
                    // Standard output may carry an archive (-o -); the report then goes with the progress.
                    var to = request.OutputsToStandardOutput ? ctx.Env.Error : ctx.Env.Out;
                    var size = await ImageSizeAnalyzer.AnalyzeAsync(ctx.Store.Blobs,
                        result.Tags.Count > 0 ? result.Tags[0].FamiliarString : result.Image.Id.ShortHex, result.Image, new() { Top = 10 }, cancellationToken)
                        .ConfigureAwait(false);
                    to.Write(SizeText.Render(size));
                    break;
            }
        }
    }
}
