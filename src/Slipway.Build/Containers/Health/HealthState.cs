namespace Slipway.Build.Containers.Health;

/// <summary>A container's health as docker inspect shows State.Health.</summary>
public sealed record HealthState
{
    public const string Starting = "starting";
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";

    public string Status { get; init; } = Starting;

    public int FailingStreak { get; init; }

    /// <summary>The last results, newest last, at most five.</summary>
    public IReadOnlyList<HealthResult> Log { get; init; } = [];
}

/// <summary>One run of the health check.</summary>
public sealed record HealthResult(DateTimeOffset Start, DateTimeOffset End, int ExitCode, string Output);
