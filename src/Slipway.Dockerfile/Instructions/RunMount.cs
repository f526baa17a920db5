namespace Slipway.Dockerfile.Instructions;

public enum MountType
{
    Bind,
    Cache,
    Tmpfs,
    Secret,
    Ssh,
}

public enum MountSharing
{
    Shared,
    Private,
    Locked,
}

/// <summary>One <c>RUN --mount=…</c>, with BuildKit's defaults applied (bind and secret mounts read-only, cache
/// and tmpfs writable).</summary>
public sealed record RunMount
{
    public MountType Type { get; init; } = MountType.Bind;

    public string? From { get; init; }

    public string? Source { get; init; }

    public string? Target { get; init; }

    public bool ReadOnly { get; init; }

    /// <summary>The cache id (cache mounts) or secret/ssh id.</summary>
    public string? Id { get; init; }

    public MountSharing? Sharing { get; init; }

    public uint? Mode { get; init; }

    public uint? Uid { get; init; }

    public uint? Gid { get; init; }

    public bool Required { get; init; }

    /// <summary>For secret mounts: expose the secret as this environment variable.</summary>
    public string? Env { get; init; }

    /// <summary>For tmpfs mounts: the size limit in bytes.</summary>
    public long? SizeLimit { get; init; }
}
