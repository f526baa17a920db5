namespace Slipway.Oci;

/// <summary>An attestation stored the way BuildKit stores them (docs: "Image attestation storage"): a manifest
/// (platform unknown/unknown) whose layers are in-toto statements, listed next to the image manifest in an index
/// and pointing at it by annotations. <see cref="Blobs"/> are uploaded before <see cref="Manifest"/>.</summary>
public sealed record AttestationManifest(Descriptor Manifest, byte[] ManifestBytes, IReadOnlyList<(Descriptor Descriptor, byte[] Bytes)> Blobs)
{
    public const string InTotoMediaType = "application/vnd.in-toto+json";
    public const string PredicateTypeAnnotation = "in-toto.io/predicate-type";
    public const string ReferenceTypeAnnotation = "vnd.docker.reference.type";
    public const string ReferenceDigestAnnotation = "vnd.docker.reference.digest";
    public const string AttestationManifestType = "attestation-manifest";

    /// <summary>The attestation of <paramref name="imageManifest"/> whose one layer is <paramref name="statement"/>.</summary>
    public static AttestationManifest Create(Descriptor imageManifest, Descriptor statement, byte[] statementBytes)
    {
        ArgumentNullException.ThrowIfNull(imageManifest);
        ArgumentNullException.ThrowIfNull(statement);
        // The config is there for registries and tools that expect an image; it says nothing of its own.
        var configBytes = OciJson.Serialize(new ImageConfig
        {
            Architecture = "unknown",
            Os = "unknown",
            Config = new ContainerConfig(),
            RootFs = new RootFs { DiffIds = [statement.Digest] },
        });
        var config = Descriptor.For(MediaTypes.OciConfig, configBytes);
        var manifestBytes = OciJson.Serialize(new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = config,
            Layers = [statement],
        });
        var manifest = Descriptor.For(MediaTypes.OciManifest, manifestBytes) with
        {
            Platform = new Platform { Architecture = "unknown", Os = "unknown" },
            Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [ReferenceDigestAnnotation] = imageManifest.Digest.Value,
                [ReferenceTypeAnnotation] = AttestationManifestType,
            },
        };
        return new AttestationManifest(manifest, manifestBytes, [(statement, statementBytes), (config, configBytes)]);
    }

    /// <summary>The index that lists the image (with its platform) and this attestation.</summary>
    public byte[] IndexFor(Descriptor imageManifest, Platform platform, ImageAnnotations? annotations = null)
    {
        ArgumentNullException.ThrowIfNull(imageManifest);
        annotations ??= ImageAnnotations.None;
        return OciJson.Serialize(new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests =
            [
                new Descriptor
                {
                    MediaType = imageManifest.MediaType, Digest = imageManifest.Digest, Size = imageManifest.Size, Platform = platform,
                    Annotations = annotations.For(AnnotationLevel.ManifestDescriptor, platform),
                },
                Manifest,
            ],
            Annotations = annotations.For(AnnotationLevel.Index, null),
        });
    }
}
