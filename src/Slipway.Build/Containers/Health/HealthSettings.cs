using Slipway.Oci;

namespace Slipway.Build.Containers.Health;

/// <summary>A HEALTHCHECK's timings with docker's defaults filled in (daemon/health.go): a value that is absent or
/// zero means the default, as <c>timeoutWithDefault</c> reads it.</summary>
public sealed record HealthSettings(TimeSpan Interval, TimeSpan Timeout, TimeSpan StartPeriod, TimeSpan StartInterval, int Retries)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultStartPeriod = TimeSpan.Zero;
    public static readonly TimeSpan DefaultStartInterval = TimeSpan.FromSeconds(5);
    public const int DefaultRetries = 3;

    public static HealthSettings From(HealthConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new HealthSettings(
            OrDefault(config.Interval, DefaultInterval),
            OrDefault(config.Timeout, DefaultTimeout),
            OrDefault(config.StartPeriod, DefaultStartPeriod),
            OrDefault(config.StartInterval, DefaultStartInterval),
            config.Retries is > 0 and var retries ? retries : DefaultRetries);
    }

    /// <summary>Whether a config asks for probes at all: <c>HEALTHCHECK NONE</c>, an empty test or a test docker does
    /// not know (it logs a warning and runs none) mean no monitor.</summary>
    public static bool HasProbe(HealthConfig? config) =>
        config?.Test is [var kind, ..] && kind is "CMD" or "CMD-SHELL";

    private static TimeSpan OrDefault(TimeSpan? value, TimeSpan fallback) =>
        value is { } v && v != TimeSpan.Zero ? v : fallback;
}
