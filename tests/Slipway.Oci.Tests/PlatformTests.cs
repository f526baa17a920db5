namespace Slipway.Oci.Tests;

public class PlatformTests
{
    [Theory]
    [InlineData("linux/amd64", "linux/amd64")]
    [InlineData("linux/x86_64", "linux/amd64")]
    [InlineData("linux/x86-64", "linux/amd64")]
    [InlineData("linux/amd64/v1", "linux/amd64")]
    [InlineData("linux/amd64/v3", "linux/amd64/v3")]
    [InlineData("linux/aarch64", "linux/arm64")]
    [InlineData("linux/arm64/v8", "linux/arm64")]
    [InlineData("linux/arm64/8", "linux/arm64")]
    [InlineData("linux/arm64/v8.0", "linux/arm64")]
    [InlineData("linux/arm64/9", "linux/arm64/v9")]
    [InlineData("linux/arm64/v8.2", "linux/arm64/v8.2")]
    [InlineData("linux/armhf", "linux/arm/v7")]
    [InlineData("linux/armel", "linux/arm/v6")]
    [InlineData("linux/arm", "linux/arm/v7")]
    [InlineData("linux/arm/7", "linux/arm/v7")]
    [InlineData("linux/arm/6", "linux/arm/v6")]
    [InlineData("linux/arm/v5", "linux/arm/v5")]
    [InlineData("linux/i386", "linux/386")]
    [InlineData("Linux/AMD64", "linux/amd64")]
    [InlineData("macos/arm64", "darwin/arm64")]
    [InlineData("arm64", "linux/arm64")]
    [InlineData("s390x", "linux/s390x")]
    [InlineData("linux/ppc64le", "linux/ppc64le")]
    [InlineData("linux/riscv64", "linux/riscv64")]
    public void A_platform_specifier_is_normalised_like_containerd(string specifier, string expected) =>
        Assert.Equal(expected, Platform.Parse(specifier).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("linux/")]
    [InlineData("linux/amd64/v3/extra")]
    [InlineData("linux/pdp11")]
    [InlineData("linux/am d64")]
    public void A_bad_specifier_is_refused(string specifier) =>
        Assert.False(Platform.TryParse(specifier, out _, out _));

    [Fact]
    public void A_lone_os_takes_the_host_architecture() =>
        Assert.Equal(Platform.Host.Architecture, Platform.Parse("linux").Architecture);

    [Fact]
    public void The_host_platform_is_linux_and_known() =>
        Assert.True(Platform.Host.Os == "linux" && Platform.IsKnownArchitecture(Platform.Host.Architecture));

    [Theory]
    [InlineData("linux/amd64", "linux/amd64", true)]
    [InlineData("linux/amd64", "linux/386", true)]
    [InlineData("linux/amd64", "linux/arm64", false)]
    [InlineData("linux/amd64/v3", "linux/amd64/v2", true)]
    [InlineData("linux/amd64/v3", "linux/amd64", true)]
    [InlineData("linux/amd64", "linux/amd64/v3", false)]
    [InlineData("linux/arm64", "linux/arm64/v8", true)]
    [InlineData("linux/arm64", "linux/aarch64", true)]
    [InlineData("linux/arm64", "linux/arm/v7", true)]
    [InlineData("linux/arm64", "linux/arm/v8", true)]
    [InlineData("linux/arm64", "linux/arm64/v8.1", false)]
    [InlineData("linux/arm64/v8.2", "linux/arm64/v8.1", true)]
    [InlineData("linux/arm64/v9", "linux/arm64/v8.5", true)]
    [InlineData("linux/arm64/v9", "linux/arm64/v8.6", false)]
    [InlineData("linux/arm/v7", "linux/arm/v6", true)]
    [InlineData("linux/arm/v7", "linux/arm/v5", true)]
    [InlineData("linux/arm/v6", "linux/arm/v7", false)]
    [InlineData("linux/arm/v7", "linux/armhf", true)]
    [InlineData("linux/amd64", "windows/amd64", false)]
    public void The_matcher_accepts_what_the_wanted_platform_can_run(string wanted, string candidate, bool expected) =>
        Assert.Equal(expected, new PlatformMatcher(Platform.Parse(wanted)).Matches(Platform.Parse(candidate)));

    [Theory]
    [InlineData("linux/amd64", "amd64")]
    [InlineData("linux/amd64/v2", "amd64v2")]
    [InlineData("linux/arm64", "arm64")]
    [InlineData("linux/arm/v7", "armv7")]
    [InlineData("linux/arm/v6", "armv6")]
    [InlineData("linux/386", "386")]
    [InlineData("linux/s390x", null)]
    public void The_best_manifest_of_an_index_is_picked(string wanted, string? expectedAnnotation)
    {
        var manifests = new[]
        {
            Entry(null, "no-platform"),
            Entry("linux/386", "386"),
            Entry("linux/amd64", "amd64"),
            Entry("linux/amd64/v2", "amd64v2"),
            Entry("linux/arm/v6", "armv6"),
            Entry("linux/arm/v7", "armv7"),
            Entry("linux/arm64/v8", "arm64"),
            Entry("windows/amd64", "windows"),
        };
        var best = new PlatformMatcher(Platform.Parse(wanted)).SelectBest(manifests);
        Assert.Equal(expectedAnnotation, best?.Annotations?["name"]);
    }

    [Fact]
    public void An_arm64_host_falls_back_to_32_bit_arm()
    {
        var best = new PlatformMatcher(Platform.Parse("linux/arm64")).SelectBest(
            [Entry("linux/amd64", "amd64"), Entry("linux/arm/v6", "armv6"), Entry("linux/arm/v7", "armv7")]);
        Assert.Equal("armv7", best?.Annotations?["name"]);
    }

    private static Descriptor Entry(string? platform, string name) => new()
    {
        MediaType = MediaTypes.OciManifest,
        Digest = Digest.Compute(System.Text.Encoding.UTF8.GetBytes(name)),
        Size = name.Length,
        Platform = platform is null ? null : Platform.Parse(platform),
        Annotations = new Dictionary<string, string> { ["name"] = name },
    };
}
