using Slipway.Images;
using Slipway.Insight.Sbom;
using Slipway.Oci;

namespace Slipway.Build.Export;

/// <summary>Pushes the image (the index and every platform's image of a build for several) under each name (<c>--push</c>, <c>type=registry</c>), with its SBOM as a BuildKit
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
            if (source.Index is { } index)
            {
                // Several platforms: every image, each with its SBOM attestation when asked, then the index.
                var attestations = source.Sboms is null ? null
                    : index.Images.ToDictionary(i => i.ManifestDescriptor.Digest,
                        i => SbomAttestation.Create(source.SbomOf(i)!, i.ManifestDescriptor, name, i.ManifestDescriptor.Platform ?? i.Config.Platform).Attestation);
                digest = await pusher.PushIndexAsync(index, name, attestations, source.Annotations, null, cancellationToken).ConfigureAwait(false);
                progress.OnDone($"pushing {name} with digest {digest.Value.Value}");
                continue;
            }

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
