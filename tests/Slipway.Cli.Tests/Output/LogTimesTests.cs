using Slipway.Build.Containers;
using Slipway.Cli.Output;

namespace Slipway.Cli.Tests.Output;

public sealed class LogTimesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, 500, TimeSpan.Zero);
    private static readonly TimeZoneInfo Plus2 = TimeZoneInfo.CreateCustomTimeZone("plus2", TimeSpan.FromHours(2), "plus2", "plus2");

    [Theory]
    [InlineData("42m", "2026-12-03T11:18:00Z")]
    [InlineData("1h30m", "2026-12-03T10:30:00Z")]
    [InlineData("2013-01-02T13:23:37Z", "2013-01-02T13:23:37Z")]
    [InlineData("2013-01-02T13:23:37+01:00", "2013-01-02T12:23:37Z")]
    [InlineData("2013-01-02T13:23:37.123456789Z", "2013-01-02T13:23:37.1234567Z")]
    [InlineData("2013-01-02T13:23:37", "2013-01-02T11:23:37Z")]
    [InlineData("2013-01-02T13:23", "2013-01-02T11:23:00Z")]
    [InlineData("2013-01-02", "2013-01-01T22:00:00Z")]
    [InlineData("1356; ", null)]
    [InlineData("1700000000", "2023-11-14T22:13:20Z")]
    [InlineData("1700000000.5", "2023-11-14T22:13:20.5Z")]
    [InlineData("0", "1970-01-01T00:00:00Z")]
    public void Since_and_until_read_as_the_docker_client_reads_them(string value, string? expected)
    {
        if (expected is null)
        {
            var error = Assert.Throws<ContainerException>(() => LogTimes.Parse("since", value, Now, Plus2));
            Assert.Equal($"invalid value for \"since\": failed to parse value as time or duration: \"{value}\"", error.Message);
            return;
        }

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), LogTimes.Parse("since", value, Now, Plus2));
    }
}
