namespace Slipway.Build.Containers.Logs;

/// <summary>What <c>slipway logs</c> asks of a container's log, as docker's <c>ContainerLogsOptions</c>: the last
/// <paramref name="Tail"/> entries (null: all; 0: none), of those the ones at or after <paramref name="Since"/> and
/// not after <paramref name="Until"/>, then (with <paramref name="Follow"/>) new entries until the container stops;
/// <paramref name="Timestamps"/> puts each entry's time before its text.</summary>
public sealed record LogQuery(int? Tail = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null, bool Follow = false, bool Timestamps = false)
{
    public static LogQuery All { get; } = new();

    /// <summary>Whether an entry's time passes <see cref="Since"/> (docker skips entries before it).</summary>
    public bool After(DateTimeOffset time) => Since is not { } since || time >= since;

    /// <summary>Whether an entry's time is past <see cref="Until"/>: docker stops reading there.</summary>
    public bool Past(DateTimeOffset time) => Until is { } until && time > until;
}
