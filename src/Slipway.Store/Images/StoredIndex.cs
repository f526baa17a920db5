using Slipway.Oci;

namespace Slipway.Store.Images;

/// <summary>An image index in the store (OCI index or Docker manifest list): <see cref="Images"/> are the platform
/// images whose manifests the store holds, in index order, attestation manifests excluded. An index may be partial:
/// a one-platform pull keeps only that platform's manifest.</summary>
public sealed record StoredIndex(Descriptor Descriptor, ImageIndex Index, IReadOnlyList<StoredImage> Images)
{
    /// <summary>Docker's IMAGE ID of an index with the containerd image store: its own digest.</summary>
    public Digest Id => Descriptor.Digest;

    /// <summary>The index's platform entries (attestations excluded), present or not, in index order.</summary>
    public IReadOnlyList<Descriptor> PlatformManifests => [.. Index.Manifests.Where(m => !IsAttestation(m))];

    /// <summary>Whether the store holds the manifest of this entry of the index.</summary>
    public bool Holds(Descriptor entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Images.Any(i => i.ManifestDescriptor.Digest == entry.Digest);
    }

    /// <summary>An attestation manifest (BuildKit's <c>vnd.docker.reference.type</c> annotation, platform
    /// unknown/unknown): listed in an index next to the images, never an image itself.</summary>
    public static bool IsAttestation(Descriptor entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Annotations?.ContainsKey(AttestationManifest.ReferenceTypeAnnotation) == true
            || entry.Platform is { Os: "unknown", Architecture: "unknown" };
    }
}
