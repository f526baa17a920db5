using System.Text;
using System.Text.Json;
using Slipway.Build.Cache;
using Slipway.Build.Engine;

namespace Slipway.Build.Tests.Cache;

public class CacheConfigTests
{
    private const string Record = """
        {"config":"sha256:1111111111111111111111111111111111111111111111111111111111111111","layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:2222222222222222222222222222222222222222222222222222222222222222","size":42,"diffId":"sha256:3333333333333333333333333333333333333333333333333333333333333333"}],"args":{},"future":"kept"}
        """;

    [Fact]
    public void A_record_travels_as_written_including_fields_this_version_does_not_know()
    {
        using var doc = JsonDocument.Parse(Record);
        var config = new CacheConfig { Records = [new CacheEntry { Key = "sha256:" + new string('a', 64), Record = doc.RootElement.Clone() }] };

        var back = CacheConfig.Parse(config.Serialize());

        Assert.Equal("kept", back.Records[0].Record.GetProperty("future").GetString());
        Assert.Null(back.Records[0].ConfigData);
    }

    [Fact]
    public void Stage_fingerprints_travel_by_id_and_a_config_without_them_does_not_name_them()
    {
        var id = new string('c', 64);
        var config = new CacheConfig { Fingerprints = [new CacheFingerprintEntry { Id = id, Files = new() { ["/out/app"] = "f 755 0:0 abc" } }] };

        var back = CacheConfig.Parse(config.Serialize());

        Assert.Equal(id, back.Fingerprints![0].Id);
        Assert.Equal("f 755 0:0 abc", back.Fingerprints[0].Files["/out/app"]);
        Assert.DoesNotContain("fingerprints", Encoding.UTF8.GetString(new CacheConfig().Serialize()), StringComparison.Ordinal);
    }

    [Fact]
    public void The_inline_form_round_trips_with_embedded_configs_and_mounts()
    {
        using var doc = JsonDocument.Parse(Record);
        var config = new CacheConfig
        {
            Records = [new CacheEntry { Key = "sha256:" + new string('a', 64), Record = doc.RootElement.Clone(), ConfigData = "e30=" }],
            Mounts = [new CacheMountEntry { Id = "/c", Digest = "sha256:" + new string('b', 64), MediaType = "application/vnd.oci.image.layer.v1.tar+gzip", Size = 9 }],
        };

        var back = CacheConfig.FromInline(config.ToInline());

        Assert.Equal("e30=", back.Records[0].ConfigData);
        Assert.Equal("/c", back.Mounts[0].Id);
    }

    [Fact]
    public void An_inline_cache_that_unpacks_beyond_the_limit_is_refused()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i <= CacheMediaTypes.MaxConfigBytes >> 20; i++)
            {
                gzip.Write(zeros);
            }
        }

        Assert.Throws<InvalidDataException>(() => CacheConfig.FromInline(Convert.ToBase64String(buffer.ToArray())));
    }

    [Fact]
    public void The_blobs_of_a_record_are_its_config_and_its_layers()
    {
        var blobs = StepCacheRecord.BlobsOf(Encoding.UTF8.GetBytes(Record));

        Assert.NotNull(blobs);
        Assert.Equal('1', blobs.Config.Hex[0]);
        Assert.Equal(42, Assert.Single(blobs.Layers).Blob.Size);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("not json")]
    [InlineData("""{"config":"sha256:1111111111111111111111111111111111111111111111111111111111111111","layers":[{"digest":"../../etc","size":1,"diffId":"x"}]}""")]
    public void A_malformed_record_has_no_blobs(string json) => Assert.Null(StepCacheRecord.BlobsOf(Encoding.UTF8.GetBytes(json)));
}
