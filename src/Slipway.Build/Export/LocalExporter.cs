using Slipway.Insight.Sbom;
using Slipway.Oci;
using Slipway.Store;

namespace Slipway.Build.Export;

/// <summary><c>type=local</c>: the image's final filesystem in a directory on the host, with the SBOM beside it
/// as <c>sbom.spdx.json</c>, where BuildKit's local exporter puts an SBOM attestation.</summary>
public sealed class LocalExporter(LocalStore store, string directory, IExportProgress progress) : IExporter
{
    public bool CarriesSbom => true;

    public async Task<Digest?> ExportAsync(ExportSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        foreach (var warning in await FilesystemExporter.ExportDirectoryAsync(store, source.Image, directory, cancellationToken).ConfigureAwait(false))
        {
            progress.OnWarning(warning);
        }

        if (source.Sbom is not null)
        {
            await File.WriteAllBytesAsync(Path.Join(directory, "sbom.spdx.json"), Spdx.Serialize(source.Sbom), cancellationToken).ConfigureAwait(false);
        }

        return null;
    }
}
