using System.Text.Json.Serialization;
using Slipway.Oci;

namespace Slipway.Build.Containers.Health;

/// <summary>One probe's outcome as docker inspect shows it in <c>State.Health.Log</c>. A probe that ran out of time
/// has exit code -1 and docker's <c>Health check exceeded timeout (…)</c> output.</summary>
public sealed record HealthResult(
    [property: JsonPropertyName("Start"), JsonConverter(typeof(Rfc3339TimeConverter))] DateTimeOffset Start,
    [property: JsonPropertyName("End"), JsonConverter(typeof(Rfc3339TimeConverter))] DateTimeOffset End,
    [property: JsonPropertyName("ExitCode")] int ExitCode,
    [property: JsonPropertyName("Output")] string Output);

/// <summary>A container's health as docker inspect's <c>State.Health</c>: the status, how many probes in a row have
/// failed, and the last <see cref="HealthMonitor.MaxLogEntries"/> results, newest last.</summary>
public sealed record HealthState
{
    public const string Starting = "starting";
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";

    /// <summary>What <c>ps --filter health=</c> calls a container without a health check; never a state's status.</summary>
    public const string None = "none";

    /// <summary>What a container with a health check starts as, before its first probe.</summary>
    public static HealthState Initial { get; } = new();

    /// <summary><see cref="Starting"/>, <see cref="Healthy"/> or <see cref="Unhealthy"/>.</summary>
    [JsonPropertyName("Status")]
    public string Status { get; init; } = Starting;

    [JsonPropertyName("FailingStreak")]
    public int FailingStreak { get; init; }

    [JsonPropertyName("Log")]
    public IReadOnlyList<HealthResult> Log { get; init; } = [];
}
