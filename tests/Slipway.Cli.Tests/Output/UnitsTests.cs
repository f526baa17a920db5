using Slipway.Cli.Output;

namespace Slipway.Cli.Tests.Output;

/// <summary>go-units' own HumanDuration vectors.</summary>
public sealed class UnitsTests
{
    private const long Day = 24 * 3600;
    private const long Week = 7 * Day;
    private const long Month = 30 * Day;
    private const long Year = 365 * Day;

    [Theory]
    [InlineData(0.45, "Less than a second")]
    [InlineData(1, "1 second")]
    [InlineData(45, "45 seconds")]
    [InlineData(59, "59 seconds")]
    [InlineData(60, "About a minute")]
    [InlineData(3 * 60, "3 minutes")]
    [InlineData(35 * 60 + 40, "35 minutes")]
    [InlineData(59 * 60, "59 minutes")]
    [InlineData(3600, "About an hour")]
    [InlineData(3600 + 29 * 60, "About an hour")]
    [InlineData(3600 + 31 * 60, "2 hours")]
    [InlineData(2.5 * 3600, "3 hours")]
    [InlineData(3 * 3600 + 29 * 60, "3 hours")]
    [InlineData(3 * 3600 + 31 * 60, "4 hours")]
    [InlineData(24 * 3600, "24 hours")]
    [InlineData(Day + 12 * 3600, "36 hours")]
    [InlineData(2 * Day, "2 days")]
    [InlineData(13 * Day + 5 * 3600, "13 days")]
    [InlineData(2 * Week, "2 weeks")]
    [InlineData(4 * Week + 3 * Day, "4 weeks")]
    [InlineData(Month, "4 weeks")]
    [InlineData(Month + 2 * Week, "6 weeks")]
    [InlineData(2 * Month, "2 months")]
    [InlineData(5 * Month + 2 * Week, "5 months")]
    [InlineData(24 * Month, "24 months")]
    [InlineData(24 * Month + 2 * Week, "2 years")]
    [InlineData(3 * Year + 2 * Month, "3 years")]
    public void HumanDuration_reads_as_go_units_writes_it(double seconds, string expected)
    {
        Assert.Equal(expected, Units.HumanDuration(TimeSpan.FromSeconds(seconds)));
    }
}
