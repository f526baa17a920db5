using Slipway.Images;
using Slipway.Oci;
using Slipway.Store;

namespace Slipway.Build.Export;

/// <summary><c>--load</c> (<c>type=docker</c> without <c>dest</c>): the image as a docker archive, streamed into the
/// engine at <paramref name="endpoint"/> (docker's or podman's API) while it is written, under its names; with none it
/// loads untagged, as buildx's does.</summary>
public sealed class DockerLoadExporter(LocalStore store, EngineEndpoint endpoint, IReadOnlyList<ImageReference> names, IExportProgress progress) : IExporter
{
    public bool CarriesSbom => false;

    public async Task<Digest?> ExportAsync(ExportSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var engine = new EngineClient(endpoint);
        await engine.LoadAsync((stream, token) => LayoutWriter.WriteTarAsync(store, [(source.Image, names)], stream, dockerManifest: true, token),
            cancellationToken).ConfigureAwait(false);
        progress.OnDone("importing to docker");
        return null;
    }
}
