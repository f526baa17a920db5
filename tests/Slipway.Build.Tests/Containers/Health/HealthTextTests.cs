using System.Text.Json;
using System.Text.Json.Serialization;
using Slipway.Build.Containers.Health;

namespace Slipway.Build.Tests.Containers.Health;

public sealed class HealthTextTests
{
    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(30_000_000_000L, "30s")]
    [InlineData(1_500_000_000L, "1.5s")]
    [InlineData(90_000_000_000L, "1m30s")]
    [InlineData(3_600_000_000_000L, "1h0m0s")]
    [InlineData(500_000_000L, "500ms")]
    [InlineData(1_500_000L, "1.5ms")]
    [InlineData(2_000L, "2µs")]
    [InlineData(100L, "100ns")]
    public void Durations_print_as_Go_prints_them(long nanoseconds, string expected)
    {
        Assert.Equal(expected, GoDurationText.Format(TimeSpan.FromTicks(nanoseconds / 100)));
    }

    [Fact]
    public void Health_serializes_with_docker_inspects_names()
    {
        var at = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
        var state = new HealthState
        {
            Status = HealthState.Healthy,
            Log = [new HealthResult(at, at.AddMilliseconds(250), 0, "ok\n")],
        };

        var json = JsonSerializer.Serialize(state, HealthTestJson.Default.HealthState);

        Assert.Equal("""{"Status":"healthy","FailingStreak":0,"Log":[{"Start":"2026-12-03T12:00:00Z","End":"2026-12-03T12:00:00.25Z","ExitCode":0,"Output":"ok\n"}]}""", json);
        Assert.Equal(state.Log, JsonSerializer.Deserialize(json, HealthTestJson.Default.HealthState)!.Log);
    }

    [Fact]
    public void Probe_output_keeps_what_docker_keeps()
    {
        var output = new ProbeOutput();
        output.Add("first");
        for (var i = 0; i < 1000; i++)
        {
            output.Add(new string('y', 100));
        }

        var text = output.ToString();

        Assert.StartsWith("first\n", text, StringComparison.Ordinal);
        Assert.EndsWith("...", text, StringComparison.Ordinal);
        Assert.Equal(4096 + 3, text.Length);
    }
}

[JsonSerializable(typeof(HealthState))]
internal sealed partial class HealthTestJson : JsonSerializerContext;
