using System.Text.Json;
using Slipway.Testing;

namespace Slipway.Oci.Tests;

/// <summary>What we write must satisfy the image-spec JSON schemas kept in shared/conformance/oci/schema.</summary>
public class SchemaConformanceTests
{
    [Fact]
    public void A_written_manifest_satisfies_the_manifest_schema() =>
        AssertValid("image-manifest-schema.json", OciJson.Serialize(Samples.Manifest(OciJson.Serialize(Samples.Config))));

    [Fact]
    public void A_written_index_satisfies_the_index_schema()
    {
        var manifest = OciJson.Serialize(Samples.Manifest(OciJson.Serialize(Samples.Config)));
        AssertValid("image-index-schema.json", OciJson.Serialize(new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests = [Descriptor.For(MediaTypes.OciManifest, manifest) with { Platform = Platform.Parse("linux/arm64/v8") }],
            Annotations = new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = "latest" },
        }));
    }

    [Fact]
    public void A_written_config_satisfies_the_config_schema() =>
        AssertValid("config-schema.json", OciJson.Serialize(Samples.Config));

    [Fact]
    public void The_checker_itself_reports_a_missing_required_field()
    {
        var schema = new MiniJsonSchema(RequireSchemaFolder());
        using var document = JsonDocument.Parse("{\"schemaVersion\":2,\"layers\":[]}");
        Assert.NotEmpty(schema.Validate("image-manifest-schema.json", document.RootElement));
    }

    private static void AssertValid(string schemaFile, byte[] json)
    {
        var schema = new MiniJsonSchema(RequireSchemaFolder());
        using var document = JsonDocument.Parse(json);
        Assert.Empty(schema.Validate(schemaFile, document.RootElement));
    }

    private static string RequireSchemaFolder() => Conformance.Require("oci/schema");
}
