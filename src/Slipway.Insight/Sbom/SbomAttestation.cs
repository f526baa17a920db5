using Slipway.Oci;

namespace Slipway.Insight.Sbom;

/// <summary>An SBOM attached as BuildKit attaches attestations (<see cref="AttestationManifest"/>): one in-toto
/// statement with the SPDX document as predicate.</summary>
public sealed record SbomAttestation(Descriptor Statement, byte[] StatementBytes, AttestationManifest Attestation)
{
    public Descriptor Manifest => Attestation.Manifest;

    public byte[] ManifestBytes => Attestation.ManifestBytes;

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
        var statement = Descriptor.For(AttestationManifest.InTotoMediaType, statementBytes) with
        {
            Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [AttestationManifest.PredicateTypeAnnotation] = Spdx.PredicateType },
        };
        return new SbomAttestation(statement, statementBytes, AttestationManifest.Create(imageManifest, statement, statementBytes));
    }

    /// <summary>The index that lists the image (with its platform) and this attestation.</summary>
    public byte[] IndexFor(Descriptor imageManifest, Platform platform) => Attestation.IndexFor(imageManifest, platform);

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
