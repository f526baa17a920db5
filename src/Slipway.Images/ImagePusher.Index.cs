using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Images;

public sealed partial class ImagePusher
{
    /// <summary>Pushes a multi-platform image as buildx does: every platform image (blobs, then its manifest by digest),
    /// the attestation of each when given (keyed by the image manifest's digest), then the index under the tag. With no
    /// attestations and no annotations the stored index goes as it is, so the registry's digest is the local one.
    /// An index missing some of its platforms' manifests is refused, as docker refuses to push missing content.
    /// Returns the digest of the index pushed.</summary>
    public async Task<Digest> PushIndexAsync(StoredIndex index, ImageReference target, IReadOnlyDictionary<Digest, AttestationManifest>? attestations,
        ImageAnnotations annotations, Action<PullProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(target);
        annotations ??= ImageAnnotations.None;
        progress ??= _ => { };
        var missing = index.PlatformManifests.Where(m => !index.Holds(m)).ToList();
        if (missing.Count > 0 || index.Images.Count == 0)
        {
            throw new ImageException(
                $"cannot push {target.FamiliarString}: the store lacks the images of {string.Join(", ", missing.Select(m => m.Platform?.ToString() ?? m.Digest.Value))} "
                + "(missing content); pull them first, or push one platform's image by tagging it");
        }

        var client = clients.For(target.Domain);
        var attestationEntries = new List<Descriptor>();
        foreach (var image in index.Images)
        {
            await PushImageAsync(client, image, target, image.ManifestDescriptor.Digest.Value, progress, cancellationToken).ConfigureAwait(false);
            if (attestations?.GetValueOrDefault(image.ManifestDescriptor.Digest) is not { } attestation)
            {
                continue;
            }

            await PushAttestationAsync(client, target, attestation, progress, cancellationToken).ConfigureAwait(false);
            attestationEntries.Add(attestation.Manifest);
        }

        var reference = target.Digest?.Value ?? target.Tag ?? ImageReference.DefaultTag;
        if (attestationEntries.Count == 0 && annotations.IsEmpty)
        {
            var stored = await images.Store.Blobs.ReadAllBytesAsync(index.Descriptor.Digest, cancellationToken).ConfigureAwait(false);
            return await client.PutManifestAsync(target.Path, reference, stored, index.Descriptor.MediaType, cancellationToken).ConfigureAwait(false);
        }

        // Images first in their order, then the attestations, as BuildKit lays an index out.
        var manifests = index.Index.Manifests.Where(m => !StoredIndex.IsAttestation(m))
            .Select(m => m with { Annotations = annotations.Merge(m.Annotations, AnnotationLevel.ManifestDescriptor, m.Platform) })
            .Concat(attestationEntries)
            .ToList();
        var pushed = OciJson.Serialize(new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests = manifests,
            Annotations = annotations.Merge(index.Index.Annotations, AnnotationLevel.Index, null),
        });
        return await client.PutManifestAsync(target.Path, reference, pushed, MediaTypes.OciIndex, cancellationToken).ConfigureAwait(false);
    }
}
