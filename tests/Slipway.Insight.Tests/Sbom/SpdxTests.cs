using System.Text.Json;
using Slipway.Insight.Sbom;
using Slipway.Oci;
using Slipway.Testing;

namespace Slipway.Insight.Tests.Sbom;

public class SpdxTests
{
    private static readonly Digest Manifest = Digest.Compute("manifest"u8);

    private static SpdxDocument Sample() => Spdx.Create(
        new SbomSubject(ImageReference.Parse("localhost:5000/team/web:1.0"), Manifest, Platform.Linux("amd64")),
        [
            new SbomPackage("deb", "libc6", "2.36-9", "pkg:deb/debian/libc6@2.36-9?arch=amd64", "/var/lib/dpkg/status") { License = "LGPL-2.1-or-later" },
            new SbomPackage("npm", "express", "4.19.2", "pkg:npm/express@4.19.2", "/app/package-lock.json") { License = "SEE LICENSE IN LICENSE.md" },
            new SbomPackage("golang", "stdlib", "go1.19.8", "pkg:golang/stdlib@go1.19.8", "/server"),
        ],
        "1.2.3",
        DateTimeOffset.FromUnixTimeSeconds(1700000000));

    public static string SchemaFolder => Path.Join(AppContext.BaseDirectory, "Sbom", "Schema");

    public static List<string> Validate(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        return new MiniJsonSchema(SchemaFolder).Validate("spdx-2.3-schema.json", document.RootElement);
    }

    [Fact]
    public void The_document_validates_against_the_SPDX_2_3_schema()
    {
        Assert.Empty(Validate(Spdx.Serialize(Sample())));
    }

    [Fact]
    public void The_schema_check_catches_a_field_SPDX_does_not_know()
    {
        var json = Spdx.Serialize(Sample());
        var broken = System.Text.Encoding.UTF8.GetString(json).Replace("\"versionInfo\"", "\"version\"", StringComparison.Ordinal);

        Assert.NotEmpty(Validate(System.Text.Encoding.UTF8.GetBytes(broken)));
    }

    [Fact]
    public void The_document_describes_the_image_which_contains_every_package()
    {
        var document = Sample();

        Assert.Equal("SPDX-2.3", document.SpdxVersion);
        Assert.Equal("CC0-1.0", document.DataLicense);
        Assert.Equal("2023-11-14T22:13:20Z", document.CreationInfo.Created);
        Assert.Equal(["Tool: slipway-1.2.3"], document.CreationInfo.Creators);
        Assert.Equal($"https://slipway.dev/spdxdocs/web-{Manifest.Hex}", document.DocumentNamespace);
        Assert.Contains(document.Relationships, r => r is { SpdxElementId: "SPDXRef-DOCUMENT", RelationshipType: "DESCRIBES", RelatedSpdxElement: Spdx.ImageId });
        Assert.Equal(3, document.Relationships.Count(r => r.RelationshipType == "CONTAINS"));
        var stdlib = document.Packages.Single(p => p.Name == "stdlib");
        Assert.Equal("go1.19.8", stdlib.VersionInfo);
        Assert.Equal("pkg:golang/stdlib@go1.19.8", stdlib.ExternalRefs!.Single().ReferenceLocator);
        Assert.Equal("LGPL-2.1-or-later", document.Packages.Single(p => p.Name == "libc6").LicenseDeclared);
        Assert.Equal(Spdx.NoAssertion, document.Packages.Single(p => p.Name == "express").LicenseDeclared);
        Assert.All(document.Packages, p => Assert.Matches("^SPDXRef-[A-Za-z0-9.-]+$", p.SpdxId));
    }

    [Fact]
    public void The_same_image_and_time_give_the_same_bytes()
    {
        Assert.Equal(Spdx.Serialize(Sample()), Spdx.Serialize(Sample()));
    }

    [Fact]
    public void The_attestation_points_at_the_image_manifest_as_BuildKit_lays_it_out()
    {
        var image = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Manifest, Size = 8 };
        var platform = Platform.Linux("amd64");
        var attestation = SbomAttestation.Create(Sample(), image, ImageReference.Parse("localhost:5000/team/web:1.0"), platform);

        Assert.Equal("unknown", attestation.Manifest.Platform!.Os);
        Assert.Equal("attestation-manifest", attestation.Manifest.Annotations!["vnd.docker.reference.type"]);
        Assert.Equal(Manifest.Value, attestation.Manifest.Annotations["vnd.docker.reference.digest"]);
        var manifest = OciJson.ParseManifest(attestation.ManifestBytes);
        var layer = Assert.Single(manifest.Layers);
        Assert.Equal("application/vnd.in-toto+json", layer.MediaType);
        Assert.Equal("https://spdx.dev/Document", layer.Annotations!["in-toto.io/predicate-type"]);

        using var statement = JsonDocument.Parse(attestation.StatementBytes);
        var root = statement.RootElement;
        Assert.Equal("https://in-toto.io/Statement/v0.1", root.GetProperty("_type").GetString());
        var subject = root.GetProperty("subject")[0];
        Assert.Equal("pkg:docker/localhost%3A5000/team/web@1.0?platform=linux%2Famd64", subject.GetProperty("name").GetString());
        Assert.Equal(Manifest.Hex, subject.GetProperty("digest").GetProperty("sha256").GetString());
        Assert.Empty(new MiniJsonSchema(SchemaFolder).Validate("spdx-2.3-schema.json", root.GetProperty("predicate")));

        var index = OciJson.ParseIndex(attestation.IndexFor(image, platform));
        Assert.Equal([Manifest, attestation.Manifest.Digest], index.Manifests.Select(m => m.Digest));
        Assert.Equal("amd64", index.Manifests[0].Platform!.Architecture);
    }
}
