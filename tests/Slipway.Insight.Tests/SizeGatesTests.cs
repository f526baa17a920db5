using Slipway.Insight;
using static Slipway.Insight.Tests.SyntheticImage;

namespace Slipway.Insight.Tests;

public sealed class SizeGatesTests
{
    private static Task<SizeReport> WastefulAsync() => new SyntheticImage()
        .Layer(File("keep", 1_000_000))
        .Layer(File("tmp", 1_000_000))
        .Layer(Whiteout("tmp"))
        .AnalyzeAsync();

    [Fact]
    public async Task No_limits_pass()
    {
        Assert.Empty(new SizeGates().Check(await WastefulAsync()));
    }

    [Fact]
    public async Task Each_crossed_limit_says_which_option_failed()
    {
        var failures = new SizeGates { MaxSize = 10, MaxWasted = 999_999, MinEfficiency = 0.9 }.Check(await WastefulAsync());

        Assert.Equal(3, failures.Count);
        Assert.StartsWith("--max-size:", failures[0], StringComparison.Ordinal);
        Assert.StartsWith("--max-wasted: 1MB", failures[1], StringComparison.Ordinal);
        Assert.StartsWith("--min-efficiency: efficiency 0.5000 is below 0.9", failures[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Limits_that_are_met_pass()
    {
        var report = await WastefulAsync();

        Assert.Empty(new SizeGates { MaxSize = report.CompressedSize, MaxWasted = 1_000_000, MinEfficiency = 0.5 }.Check(report));
    }

    [Theory]
    [InlineData("123", 123)]
    [InlineData("100MB", 100_000_000)]
    [InlineData("100 mb", 100_000_000)]
    [InlineData("500k", 500_000)]
    [InlineData("1.5GiB", 1_610_612_736)]
    [InlineData("2MiB", 2_097_152)]
    public void Sizes_parse_with_decimal_and_binary_units(string text, long expected)
    {
        Assert.True(SizeLimit.TryParse(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("MB")]
    [InlineData("12 parsecs")]
    [InlineData("-5")]
    public void Sizes_that_are_not_sizes_are_refused(string text)
    {
        Assert.False(SizeLimit.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0, "0B")]
    [InlineData(5600, "5.6kB")]
    [InlineData(838_000_000, "838MB")]
    public void Sizes_print_as_docker_prints_them(long bytes, string expected)
    {
        Assert.Equal(expected, Slipway.Store.ByteSize.Format(bytes));
    }
}
