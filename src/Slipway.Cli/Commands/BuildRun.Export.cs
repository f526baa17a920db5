using System.CommandLine;
using Slipway.Build.Engine;
using Slipway.Build.Images;
using Slipway.Cli.Output;
using Slipway.Oci;
using Slipway.Runtime;
using Spectre.Console;

namespace Slipway.Cli.Commands;

/// <summary>Where a finished build goes: each <c>--output</c>, and the metadata file.</summary>
internal static partial class BuildRun
{
    /// <summary>Sends the result where one <c>--output</c> says; returns the pushed manifest digest for a push.</summary>
    private static async Task<string?> ExportAsync(CommandContext ctx, BuildResult result, IReadOnlyList<ImageReference> tags, OutputSpec output,
        bool quiet, Build.Insight.Sbom.SpdxDocument? sbom, CancellationToken cancellationToken)
    {
        var image = result.Image;
        var names = output.Name is null ? tags : [.. output.Name.Split(',').Select(ImageStore.ParseTarget)];
        switch (output.Kind)
        {
            case OutputKind.Image when !output.Push:
                foreach (var name in names.Except(tags))
                {
                    await ctx.Images.SetAsync(name, image.ManifestDescriptor, cancellationToken).ConfigureAwait(false);
                }

                return null;
            case OutputKind.Image or OutputKind.Registry:
                if (names.Count == 0)
                {
                    throw new ImageException("pushing needs a name: add -t NAME or --output type=registry,name=NAME");
                }

                string? digest = null;
                foreach (var name in names)
                {
                    var pusher = new ImagePusher(ctx.Images, ctx.Clients);
                    digest = (sbom is null
                        ? await pusher.PushAsync(image, name, null, cancellationToken).ConfigureAwait(false)
                        : await pusher.PushWithAttestationAsync(image, name, SbomOptions.Attestation(sbom, image, name), null, cancellationToken).ConfigureAwait(false)).Value;
                    if (!quiet)
                    {
                        ctx.Env.Error.WriteLine($"#0 pushing {name} with digest {digest} done");
                    }
                }

                return digest;
            case OutputKind.Local:
                foreach (var warning in await FilesystemExporter.ExportDirectoryAsync(ctx.Store, image, output.Destination!, cancellationToken).ConfigureAwait(false))
                {
                    ctx.Env.Error.WriteLine($"WARNING: {warning}");
                }

                if (sbom is not null)
                {
                    // Where BuildKit's local exporter puts an SBOM attestation.
                    await File.WriteAllBytesAsync(Path.Join(output.Destination!, "sbom.spdx.json"), Build.Insight.Sbom.Spdx.Serialize(sbom), cancellationToken)
                        .ConfigureAwait(false);
                }

                return null;
            default:
                await using (var stream = output.Destination == "-" ? ctx.Env.OpenStandardOutput() : File.Create(output.Destination!))
                {
                    if (output.Kind == OutputKind.Tar)
                    {
                        await FilesystemExporter.ExportTarAsync(ctx.Store, image, stream, ctx.Store.Layout.Tmp, cancellationToken)
                            .ConfigureAwait(false);
                    }
                    else
                    {
                        await LayoutWriter.WriteTarAsync(ctx.Store, [(image, names)], stream, output.Kind == OutputKind.Docker, cancellationToken)
                            .ConfigureAwait(false);
                    }
                }

                return null;
        }
    }

    /// <summary>The <c>--metadata-file</c> JSON, with the keys buildx writes.</summary>
    private static string Metadata(BuildResult result, List<ImageReference> tags, string? pushedDigest)
    {
        using var buffer = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("containerimage.config.digest", result.Image.Id.Value);
            w.WriteString("containerimage.digest", pushedDigest ?? result.Image.ManifestDescriptor.Digest.Value);
            w.WriteStartObject("containerimage.descriptor");
            w.WriteString("mediaType", result.Image.ManifestDescriptor.MediaType);
            w.WriteString("digest", result.Image.ManifestDescriptor.Digest.Value);
            w.WriteNumber("size", result.Image.ManifestDescriptor.Size);
            w.WriteEndObject();
            if (tags.Count > 0)
            {
                w.WriteString("image.name", string.Join(',', tags.Select(t => t.ToString())));
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
