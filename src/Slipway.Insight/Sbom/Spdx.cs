using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Slipway.Oci;

namespace Slipway.Insight.Sbom;

/// <summary>The image an SBOM describes: its name (null when unnamed), manifest digest and platform.</summary>
public sealed record SbomSubject(ImageReference? Name, Digest ManifestDigest, Platform Platform);

/// <summary>Turns catalogued packages into an SPDX 2.3 document: the image as the described package, which
/// CONTAINS every package found. Deterministic: the same image, packages, tool and time give the same bytes.</summary>
public static partial class Spdx
{
    public const string NoAssertion = "NOASSERTION";
    public const string PredicateType = "https://spdx.dev/Document";
    public const string ImageId = "SPDXRef-Image";
    public const string MediaType = "application/spdx+json";

    private static readonly SpdxJsonContext Json = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    });

    public static SpdxDocument Create(SbomSubject subject, IReadOnlyList<SbomPackage> packages, string toolVersion, DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(packages);
        var imageName = subject.Name?.ToString() ?? subject.ManifestDigest.Value;
        var repository = subject.Name is null ? null : subject.Name.Domain + "/" + subject.Name.Path;
        var shortName = subject.Name?.Path.Split('/')[^1] ?? "image";
        var image = new SpdxPackage
        {
            SpdxId = ImageId,
            Name = imageName,
            VersionInfo = subject.ManifestDigest.Value,
            PrimaryPackagePurpose = "CONTAINER",
            ExternalRefs =
            [
                new SpdxExternalRef
                {
                    ReferenceLocator = Purl.Create("oci", null, shortName, subject.ManifestDigest.Value,
                        ("arch", subject.Platform.Architecture), ("repository_url", repository)),
                },
            ],
        };
        var spdxPackages = new List<SpdxPackage> { image };
        var relationships = new List<SpdxRelationship>
        {
            new() { SpdxElementId = "SPDXRef-DOCUMENT", RelationshipType = "DESCRIBES", RelatedSpdxElement = ImageId },
        };
        var ids = new HashSet<string>(StringComparer.Ordinal) { ImageId };
        foreach (var package in packages)
        {
            var id = PackageId(package);
            if (!ids.Add(id))
            {
                continue;
            }

            var license = IsLicenseExpression(package.License) ? package.License! : NoAssertion;
            spdxPackages.Add(new SpdxPackage
            {
                SpdxId = id,
                Name = package.Name,
                VersionInfo = package.Version,
                LicenseDeclared = license,
                SourceInfo = "acquired package info from " + package.Location,
                PrimaryPackagePurpose = "LIBRARY",
                ExternalRefs = [new SpdxExternalRef { ReferenceLocator = package.Purl }],
            });
            relationships.Add(new SpdxRelationship { SpdxElementId = ImageId, RelationshipType = "CONTAINS", RelatedSpdxElement = id });
        }

        return new SpdxDocument
        {
            Name = imageName,
            DocumentNamespace = $"https://slipway.dev/spdxdocs/{Sanitize(shortName)}-{subject.ManifestDigest.Hex}",
            CreationInfo = new SpdxCreationInfo
            {
                Creators = ["Tool: slipway-" + toolVersion],
                Created = created.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            },
            Packages = spdxPackages,
            Relationships = relationships,
        };
    }

    public static byte[] Serialize(SpdxDocument document) => JsonSerializer.SerializeToUtf8Bytes(document, Json.SpdxDocument);

    public static byte[] Serialize(InTotoStatement statement) => JsonSerializer.SerializeToUtf8Bytes(statement, Json.InTotoStatement);

    public static SpdxDocument? Parse(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize(json, Json.SpdxDocument);

    /// <summary>An SPDXID from the package's ecosystem and name, made unique by a hash of its purl.</summary>
    private static string PackageId(SbomPackage package)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(package.Purl)))[..16];
        return $"SPDXRef-Package-{package.Ecosystem}-{Sanitize(package.Name)}-{hash}";
    }

    /// <summary>SPDX identifiers allow letters, digits, '.' and '-'.</summary>
    private static string Sanitize(string value) => IdUnsafe().Replace(value, "-");

    /// <summary>Only simple expressions pass (MIT, GPL-2.0-or-later, MIT OR Apache-2.0); anything else a package
    /// wrote into its license field (prose, "SEE LICENSE IN …") becomes NOASSERTION.</summary>
    private static bool IsLicenseExpression(string? license) => license is not null && LicenseExpression().IsMatch(license);

    [GeneratedRegex("[^A-Za-z0-9.-]")]
    private static partial Regex IdUnsafe();

    [GeneratedRegex(@"^\(?[A-Za-z0-9.+-]+\)?( (AND|OR|WITH) \(?[A-Za-z0-9.+-]+\)?)*$")]
    private static partial Regex LicenseExpression();
}
