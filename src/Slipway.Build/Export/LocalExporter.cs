using Slipway.Insight.Sbom;
using Slipway.Oci;
using Slipway.Store;

namespace Slipway.Build.Export;

/// <summary><c>type=local</c>: the image's final filesystem in a directory on the host, with the SBOM beside it
/// as <c>sbom.spdx.json</c>, where BuildKit's local exporter puts an SBOM attestation; a build for several
/// platforms writes each platform's in a folder of its own.</summary>
public sealed class LocalExporter(LocalStore store, string directory, IExportProgress progress) : IExporter
{
    public bool CarriesSbom => true;

    public async Task<Digest?> ExportAsync(ExportSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        foreach (var image in source.Images)
        {
            // Several platforms: each filesystem in its own folder, as buildx writes them (linux_amd64/, linux_arm64/).
            var into = source.Images.Count == 1 ? directory : Path.Join(directory, FilesystemExporter.PlatformFolder(image));
            foreach (var warning in await FilesystemExporter.ExportDirectoryAsync(store, image, into, cancellationToken).ConfigureAwait(false))
            {
                progress.OnWarning(warning);
            }

            if (source.SbomOf(image) is { } sbom)
            {
                await File.WriteAllBytesAsync(Path.Join(into, "sbom.spdx.json"), Spdx.Serialize(sbom), cancellationToken).ConfigureAwait(false);
            }
        }

        return null;
    }
}
