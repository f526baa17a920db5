using Slipway.Build.Request;
using Slipway.Dockerfile.Instructions;
using Slipway.Oci;
using Slipway.Store.Layers;

namespace Slipway.Build.Tests.Request;

public sealed class OptionValuesTests
{
    [Fact]
    public void Reports_are_names_or_comma_lists_and_an_unknown_one_is_named()
    {
        Assert.True(OptionValues.TryParseReports(["size", "size"], out var reports, out _));
        Assert.Equal([BuildReport.Size, BuildReport.Size], reports);
        Assert.False(OptionValues.TryParseReports(["size,sizee"], out _, out var error));
        Assert.Equal("invalid --report \"sizee\" (size)", error);
    }

    [Theory]
    [InlineData(null, NetworkMode.Default)]
    [InlineData("default", NetworkMode.Default)]
    [InlineData("none", NetworkMode.None)]
    [InlineData("host", NetworkMode.Host)]
    public void A_network_mode_is_one_buildkit_knows(string? value, NetworkMode expected)
    {
        Assert.True(OptionValues.TryParseNetwork(value, out var network, out _));
        Assert.Equal(expected, network);
    }

    [Fact]
    public void A_network_mode_buildkit_does_not_know_is_refused_in_its_words()
    {
        Assert.False(OptionValues.TryParseNetwork("bridge", out _, out var error));
        Assert.Equal("network mode \"bridge\" not supported by buildkit", error);
    }

    [Theory]
    [InlineData("gzip", LayerCompression.Gzip)]
    [InlineData("zstd", LayerCompression.Zstd)]
    [InlineData("uncompressed", LayerCompression.None)]
    [InlineData("none", LayerCompression.None)]
    public void Compression_names_map_to_layer_compression(string value, LayerCompression expected)
    {
        Assert.True(OptionValues.TryParseCompression(value, out var compression, out _));
        Assert.Equal(expected, compression);
    }

    [Fact]
    public void An_unknown_compression_lists_the_known_ones()
    {
        Assert.False(OptionValues.TryParseCompression("lz4", out _, out var error));
        Assert.Equal("invalid --compression \"lz4\" (gzip, zstd, uncompressed)", error);
    }

    [Fact]
    public void No_platform_is_the_hosts_and_another_architecture_is_one_platform_to_build()
    {
        Assert.True(OptionValues.TryParsePlatform(null, out var platform, out _));
        Assert.Equal(Platform.Host, platform);
        var other = Platform.Host.Architecture == "arm64" ? "linux/amd64" : "linux/arm64";
        Assert.True(OptionValues.TryParsePlatform(other, out var parsed, out _));
        Assert.Equal(Platform.Parse(other), parsed);
    }

    [Theory]
    [InlineData(false, new string[0], false)]
    [InlineData(true, new string[0], true)]
    [InlineData(false, new[] { "type=sbom" }, true)]
    [InlineData(false, new[] { "type=sbom,generator=docker/buildkit-syft-scanner" }, true)]
    [InlineData(true, new[] { "type=sbom,disabled=true" }, false)]
    [InlineData(false, new[] { "type=sbom", "type=provenance,mode=max" }, true)]
    public void An_sbom_is_asked_for_by_sbom_or_the_last_attest(bool sbom, string[] attest, bool expected)
    {
        Assert.True(OptionValues.TryParseSbom(sbom, attest, out var wanted, out _));
        Assert.Equal(expected, wanted);
    }

    [Fact]
    public void A_file_destination_needs_its_directory_now()
    {
        Assert.True(OptionValues.TryCheckFileDestination("--iidfile", Path.Join(Path.GetTempPath(), "iid"), out _));
        Assert.True(OptionValues.TryCheckFileDestination("--iidfile", "iid-in-the-working-directory", out _));
        Assert.False(OptionValues.TryCheckFileDestination("--iidfile", "/nonexistent/dir/iid", out var error));
        Assert.Equal("--iidfile /nonexistent/dir/iid: directory /nonexistent/dir does not exist", error);
    }
}
