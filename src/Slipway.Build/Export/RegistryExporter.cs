using Slipway.Images;
using Slipway.Insight.Sbom;
using Slipway.Oci;

namespace Slipway.Build.Export;

/// <summary>Pushes the image under each name (<c>--push</c>, <c>type=registry</c>), with its SBOM as a BuildKit
/// attestation when there is one.</summary>
public sealed class RegistryExporter(ImagePusher pusher, IReadOnlyList<ImageReference> names, IExportProgress progress) : IExporter
{
    public bool CarriesSbom => true;

    public async Task<Digest?> ExportAsync(ExportSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var image = source.Image;
        Digest? digest = null;
        foreach (var name in names)
        {
            var pushed = source.Sbom is null
                ? await pusher.PushAsync(image, name, null, cancellationToken).ConfigureAwait(false)
                : await pusher.PushWithAttestationAsync(image, name,
                    SbomAttestation.Create(source.Sbom, image.ManifestDescriptor, name, image.Config.Platform).Attestation, source.Annotations, null,
                    cancellationToken).ConfigureAwait(false);
            progress.OnDone($"pushing {name} with digest {pushed.Value}");
            digest = pushed;
        }

        return digest;
    }
}
