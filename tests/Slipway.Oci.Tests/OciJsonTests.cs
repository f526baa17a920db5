using System.Text;

namespace Slipway.Oci.Tests;

public class OciJsonTests
{
    private static readonly string Sha = Samples.LayerDigest.Value;

    [Fact]
    public void A_config_round_trip_keeps_every_field()
    {
        var original = Samples.Config;
        var json = OciJson.Serialize(original);
        var back = OciJson.ParseConfig(json);
        Assert.Equal(Encoding.UTF8.GetString(json), Encoding.UTF8.GetString(OciJson.Serialize(back)));

        var c = back.Config!;
        Assert.Equal(original.Created, back.Created);
        Assert.Equal(("someone", "arm64", "linux", "6.1", "v8"), (back.Author, back.Architecture, back.Os, back.OsVersion, back.Variant));
        Assert.Equal("app:app", c.User);
        Assert.Equal(["443/tcp", "80/tcp"], c.ExposedPorts!);
        Assert.Equal(original.Config!.Env!, c.Env!);
        Assert.Equal(["/bin/app"], c.Entrypoint!);
        Assert.Equal(["--serve"], c.Cmd!);
        Assert.Equal(["/data"], c.Volumes!);
        Assert.Equal("/srv", c.WorkingDir);
        Assert.Equal("first", c.Labels!["a"]);
        Assert.Equal("SIGTERM", c.StopSignal);
        Assert.True(c.ArgsEscaped);
        Assert.Equal(original.Config.Healthcheck, c.Healthcheck! with { Test = original.Config.Healthcheck!.Test });
        Assert.Equal(original.Config.Healthcheck.Test!, c.Healthcheck!.Test!);
        Assert.Equal(["RUN echo child"], c.OnBuild!);
        Assert.Equal(["/bin/bash", "-c"], c.Shell!);
        Assert.Equal([Samples.DiffId], back.RootFs.DiffIds);
        Assert.Equal("layers", back.RootFs.Type);
        Assert.Equal(2, back.History!.Count);
        Assert.Equal(original.History![0], back.History[0]);
        Assert.Equal(original.History[1], back.History[1]);
    }

    [Fact]
    public void Docker_wire_names_and_nanosecond_durations_are_used()
    {
        var json = Encoding.UTF8.GetString(OciJson.Serialize(Samples.Config));
        Assert.Contains("\"ExposedPorts\":{\"443/tcp\":{},\"80/tcp\":{}}", json, StringComparison.Ordinal);
        Assert.Contains("\"Interval\":30000000000", json, StringComparison.Ordinal);
        Assert.Contains("\"StartInterval\":250000000", json, StringComparison.Ordinal);
        Assert.Contains("\"created\":\"2024-05-01T12:00:00.5Z\"", json, StringComparison.Ordinal);
        Assert.Contains("\"os.version\":\"6.1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"diff_ids\":[\"" + Samples.DiffId.Value + "\"]", json, StringComparison.Ordinal);
        Assert.Contains("\"empty_layer\":true", json, StringComparison.Ordinal);
        Assert.Contains("\"Labels\":{\"a\":\"first\",\"z\":\"last\"}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_docker_config_with_legacy_fields_and_nanosecond_times_survives_a_round_trip()
    {
        var docker = "{\"architecture\":\"amd64\",\"config\":{\"Hostname\":\"\",\"Env\":[\"PATH=/bin\"],\"Cmd\":[\"sh\"],\"Image\":\"\"},"
            + "\"container_config\":{\"Hostname\":\"abc\"},\"created\":\"2023-06-14T20:41:59.079795125Z\",\"docker_version\":\"20.10.23\","
            + "\"history\":[{\"created\":\"2023-06-14T20:41:58.950178204Z\",\"created_by\":\"/bin/sh -c #(nop) ADD file:1 in / \"}],"
            + "\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Sha + "\"]}}";
        var config = OciJson.ParseConfig(Samples.Utf8(docker));
        Assert.Equal(new DateTimeOffset(2023, 6, 14, 20, 41, 59, TimeSpan.Zero).AddTicks(797951), config.Created);
        Assert.Equal("20.10.23", config.Extra!["docker_version"].GetString());
        Assert.Equal("", config.Config!.Extra!["Hostname"].GetString());
        var again = Encoding.UTF8.GetString(OciJson.Serialize(config));
        Assert.Contains("\"container_config\":{\"Hostname\":\"abc\"}", again, StringComparison.Ordinal);
        Assert.Contains("\"created\":\"2023-06-14T20:41:59.0797951Z\"", again, StringComparison.Ordinal);
    }

    [Fact]
    public void Canonical_json_is_compact_stable_and_independent_of_map_insertion_order()
    {
        var a = Samples.Manifest(OciJson.Serialize(Samples.Config));
        var b = a with
        {
            Annotations = new Dictionary<string, string> { ["z"] = "1", ["a"] = "2" },
        };
        var c = a with
        {
            Annotations = new Dictionary<string, string> { ["a"] = "2", ["z"] = "1" },
        };
        Assert.Equal(OciJson.Serialize(a), OciJson.Serialize(a));
        Assert.Equal(OciJson.Serialize(b), OciJson.Serialize(c));
        var text = Encoding.UTF8.GetString(OciJson.Serialize(a));
        Assert.DoesNotContain("\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("null", text, StringComparison.Ordinal);
        Assert.StartsWith("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{", text, StringComparison.Ordinal);
        Assert.Equal(Digest.Compute(OciJson.Serialize(Samples.Config)), Digest.Compute(OciJson.Serialize(OciJson.ParseConfig(OciJson.Serialize(Samples.Config)))));
    }

    [Fact]
    public void A_manifest_and_an_index_round_trip()
    {
        var manifest = Samples.Manifest(OciJson.Serialize(Samples.Config));
        var manifestJson = OciJson.Serialize(manifest);
        var back = OciJson.ParseManifest(manifestJson, MediaTypes.OciManifest);
        Assert.Equal(manifestJson, OciJson.Serialize(back));

        var index = new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests = [Descriptor.For(MediaTypes.OciManifest, manifestJson) with { Platform = Platform.Parse("linux/arm/v7") }],
        };
        var indexJson = OciJson.Serialize(index);
        var indexBack = OciJson.ParseIndex(indexJson);
        Assert.Equal("linux/arm/v7", indexBack.Manifests[0].Platform!.ToString());
        Assert.Equal(indexJson, OciJson.Serialize(indexBack));
    }

    [Fact]
    public void A_docker_manifest_list_parses_as_an_index() =>
        Assert.True(OciJson.ParseIndex(Samples.Utf8(
            "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DockerManifestList + "\",\"manifests\":[{\"mediaType\":\""
            + MediaTypes.DockerManifest + "\",\"digest\":\"" + Sha + "\",\"size\":7,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}")).IsDocker);

    [Theory]
    [InlineData("{\"schemaVersion\":2,\"config\":{D},\"layers\":[],\"manifests\":[]}", "ambiguous")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"config\":{D},\"layers\":[]}", "is not a manifest media type")]
    [InlineData("{\"schemaVersion\":1,\"config\":{D},\"layers\":[]}", "schemaVersion 1")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v1+prettyjws\"}", "schema 1")]
    [InlineData("{\"schemaVersion\":2,\"layers\":[]}", "config")]
    [InlineData("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a/b\",\"digest\":\"sha256:abc\",\"size\":1},\"layers\":[]}", "invalid digest")]
    [InlineData("{\"schemaVersion\":2,\"config\":{D},\"layers\":[],\"layers\":[]}", "")]
    [InlineData("[1]", "expected a JSON object")]
    [InlineData("{", "invalid JSON")]
    public void An_ambiguous_or_malformed_manifest_is_refused(string template, string message)
    {
        var json = template.Replace("{D}", "{\"mediaType\":\"" + MediaTypes.OciConfig + "\",\"digest\":\"" + Sha + "\",\"size\":1}", StringComparison.Ordinal);
        var error = Assert.Throws<OciFormatException>(() => OciJson.ParseManifest(Samples.Utf8(json)));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_whose_media_type_disagrees_with_the_expected_one_is_refused()
    {
        var json = OciJson.Serialize(Samples.Manifest(OciJson.Serialize(Samples.Config)));
        var error = Assert.Throws<OciFormatException>(() => OciJson.ParseManifest(json, MediaTypes.DockerManifest));
        Assert.Contains("does not match", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_index_that_carries_layers_is_refused() =>
        Assert.Throws<OciFormatException>(() => OciJson.ParseIndex(Samples.Utf8("{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}")));

    [Fact]
    public void A_config_whose_diff_ids_do_not_match_the_layers_is_inconsistent()
    {
        var config = Samples.Config with { RootFs = new RootFs { DiffIds = [Samples.DiffId, Samples.DiffId] } };
        var manifest = Samples.Manifest(OciJson.Serialize(config));
        var error = Assert.Throws<OciFormatException>(() => OciJson.EnsureConsistent(manifest, config));
        Assert.Contains("2 diff_ids", error.Message, StringComparison.Ordinal);
        OciJson.EnsureConsistent(Samples.Manifest(OciJson.Serialize(Samples.Config)), Samples.Config);
    }

    [Fact]
    public void A_duplicate_label_key_is_refused() =>
        Assert.Throws<OciFormatException>(() => OciJson.ParseConfig(Samples.Utf8(
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"a\":\"1\",\"a\":\"2\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}")));

    [Theory]
    [InlineData("2024-01-01T02:00:00+02:00", "2024-01-01T00:00:00Z")]
    [InlineData("2024-01-01T00:00:00.123456789Z", "2024-01-01T00:00:00.1234567Z")]
    [InlineData("2024-01-01T00:00:00.100Z", "2024-01-01T00:00:00.1Z")]
    public void Times_are_written_in_utc_as_go_writes_them(string input, string expected)
    {
        var config = OciJson.ParseConfig(Samples.Utf8(
            "{\"created\":\"" + input + "\",\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"));
        Assert.Contains("\"created\":\"" + expected + "\"", Encoding.UTF8.GetString(OciJson.Serialize(config)), StringComparison.Ordinal);
    }

    [Fact]
    public void Embedded_descriptor_data_travels_as_base64()
    {
        var descriptor = Descriptor.For(MediaTypes.OciEmpty, "{}"u8) with { Data = "{}"u8.ToArray() };
        var json = Encoding.UTF8.GetString(OciJson.Serialize(descriptor));
        Assert.Contains("\"data\":\"e30=\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Media_types_classify_layers_and_their_compression()
    {
        Assert.Equal(Compression.Zstd, MediaTypes.LayerCompression(MediaTypes.OciLayerZstd));
        Assert.Equal(Compression.Gzip, MediaTypes.LayerCompression(MediaTypes.DockerForeignLayerGzip));
        Assert.True(MediaTypes.IsNondistributable(MediaTypes.DockerForeignLayerGzip));
        Assert.False(MediaTypes.IsLayer(MediaTypes.OciConfig));
        Assert.True(MediaTypes.IsIndex(MediaTypes.DockerManifestList));
    }
}
