using Slipway.Oci;

namespace Slipway.Build.Insight.Sbom;

/// <summary>An SBOM attached the way BuildKit stores attestations (docs: "Image attestation storage"): an
/// attestation manifest (platform unknown/unknown) whose one layer is an in-toto statement with the SPDX
/// document as predicate, listed next to the image manifest in an index and pointing at it by annotations.</summary>
public sealed record SbomAttestation(
    Descriptor Statement, byte[] StatementBytes,
    Descriptor Config, byte[] ConfigBytes,
    Descriptor Manifest, byte[] ManifestBytes)
{
    public const string InTotoMediaType = "application/vnd.in-toto+json";
    public const string PredicateTypeAnnotation = "in-toto.io/predicate-type";
    public const string ReferenceTypeAnnotation = "vnd.docker.reference.type";
    public const string ReferenceDigestAnnotation = "vnd.docker.reference.digest";
    public const string AttestationManifestType = "attestation-manifest";

    /// <summary>The blobs to upload before the manifest: the statement and the config.</summary>
    public IEnumerable<(Descriptor Descriptor, byte[] Bytes)> Blobs => [(Statement, StatementBytes), (Config, ConfigBytes)];

    /// <summary>Builds the attestation for the image manifest <paramref name="imageManifest"/>.</summary>
    public static SbomAttestation Create(SpdxDocument document, Descriptor imageManifest, ImageReference? name, Platform platform)
    {
        ArgumentNullException.ThrowIfNull(imageManifest);
        ArgumentNullException.ThrowIfNull(platform);
        var statementBytes = Spdx.Serialize(new InTotoStatement
        {
            Subject =
            [
                new InTotoSubject
                {
                    Name = SubjectName(name, platform),
                    Digest = new Dictionary<string, string>(StringComparer.Ordinal) { [imageManifest.Digest.Algorithm] = imageManifest.Digest.Hex },
                },
            ],
            Predicate = document,
        });
        var statement = Descriptor.For(InTotoMediaType, statementBytes) with
        {
            Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [PredicateTypeAnnotation] = Spdx.PredicateType },
        };
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
        return new SbomAttestation(statement, statementBytes, config, configBytes, manifest, manifestBytes);
    }

    /// <summary>The index that lists the image (with its platform) and this attestation.</summary>
    public byte[] IndexFor(Descriptor imageManifest, Platform platform) => OciJson.Serialize(new ImageIndex
    {
        MediaType = MediaTypes.OciIndex,
        Manifests =
        [
            new Descriptor { MediaType = imageManifest.MediaType, Digest = imageManifest.Digest, Size = imageManifest.Size, Platform = platform },
            Manifest,
        ],
    });

    /// <summary>BuildKit names the subject as a docker purl with the platform: <c>pkg:docker/NAME@TAG?platform=…</c>.</summary>
    private static string SubjectName(ImageReference? name, Platform platform)
    {
        var platformText = platform.Os + "/" + platform.Architecture + (platform.Variant is null ? "" : "/" + platform.Variant);
        if (name is null)
        {
            return Purl.Create("docker", null, "image", null, ("platform", platformText));
        }

        var path = name.Domain == ImageReference.DefaultDomain ? name.Path : name.Domain + "/" + name.Path;
        var slash = path.LastIndexOf('/');
        return Purl.Create("docker", slash < 0 ? null : path[..slash], path[(slash + 1)..], name.Tag ?? ImageReference.DefaultTag, ("platform", platformText));
    }
}
