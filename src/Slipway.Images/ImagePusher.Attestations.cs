using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Images;

public sealed partial class ImagePusher
{
    public Task<Digest> PushWithAttestationAsync(StoredImage image, ImageReference target, AttestationManifest attestation,
        Action<PullProgress>? progress, CancellationToken cancellationToken) =>
        PushWithAttestationAsync(image, target, attestation, ImageAnnotations.None, progress, cancellationToken);

    /// <summary>Pushes the image with an attestation (an SBOM) as BuildKit does: the image manifest and the
    /// attestation manifest by digest, then an index listing both under the tag, with the index and manifest-descriptor
    /// levels of <paramref name="annotations"/>. Returns the index digest.</summary>
    public async Task<Digest> PushWithAttestationAsync(StoredImage image, ImageReference target, AttestationManifest attestation,
        ImageAnnotations annotations, Action<PullProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(attestation);
        progress ??= _ => { };
        var client = clients.For(target.Domain);
        await PushImageAsync(client, image, target, image.ManifestDescriptor.Digest.Value, progress, cancellationToken).ConfigureAwait(false);
        await PushAttestationAsync(client, target, attestation, progress, cancellationToken).ConfigureAwait(false);
        var index = attestation.IndexFor(image.ManifestDescriptor, image.Config.Platform, annotations);
        return await client.PutManifestAsync(target.Path, target.Digest?.Value ?? target.Tag ?? ImageReference.DefaultTag, index, MediaTypes.OciIndex,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An attestation's blobs, then its manifest by digest: what an index that lists it needs first.</summary>
    private static async Task PushAttestationAsync(Slipway.Registry.RegistryClient client, ImageReference target, AttestationManifest attestation,
        Action<PullProgress> progress, CancellationToken cancellationToken)
    {
        foreach (var (descriptor, bytes) in attestation.Blobs)
        {
            using var content = new MemoryStream(bytes, writable: false);
            var outcome = await client.PushBlobAsync(target.Path, descriptor.Digest, descriptor.Size, content, null, cancellationToken).ConfigureAwait(false);
            progress(new PullProgress("attestation", descriptor.Digest, outcome.ToString()));
        }

        await client.PutManifestAsync(target.Path, attestation.Manifest.Digest.Value, attestation.ManifestBytes, MediaTypes.OciManifest, cancellationToken)
            .ConfigureAwait(false);
    }
}
