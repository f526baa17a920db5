using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Slipway.Runtime.Spec;

/// <summary>What buildx's <c>--shm-size</c>, <c>--ulimit</c> and <c>--cgroup-parent</c> set for every RUN; the
/// defaults change nothing in the spec.</summary>
public sealed record StepLimits
{
    public static readonly StepLimits None = new();

    /// <summary>The size of <c>/dev/shm</c> in bytes; 0 keeps Docker's 64 MiB.</summary>
    public long ShmSize { get; init; }

    /// <summary>The process's rlimits, one per resource; none inherits the runtime's.</summary>
    public IReadOnlyList<Ulimit> Ulimits { get; init; } = [];

    /// <summary>The cgroup the container's own cgroup is made under; null lets the runtime choose.</summary>
    public string? CgroupParent { get; init; }

    /// <summary>The spec's <c>linux.cgroupsPath</c> for container <paramref name="id"/>, as BuildKit's executor makes
    /// it: a systemd slice ending in <c>:</c> (<c>system.slice:prefix:</c>) takes the id as its last part; anything
    /// else is a cgroupfs path, <c>/PARENT/buildkit/ID</c>.</summary>
    public string? CgroupsPath(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (string.IsNullOrEmpty(CgroupParent))
        {
            return null;
        }

        return CgroupParent.Contains(".slice", StringComparison.Ordinal) && CgroupParent.EndsWith(':')
            ? CgroupParent + id
            : "/" + string.Join('/', (CgroupParent + "/buildkit/" + id).Split('/', StringSplitOptions.RemoveEmptyEntries));
    }
}

/// <summary>One <c>--ulimit</c>: a resource and its soft and hard limits; -1 is unlimited.</summary>
public sealed record Ulimit(string Name, long Soft, long Hard)
{
    /// <summary>The resources docker knows (go-units' ulimit names).</summary>
    public static readonly IReadOnlyList<string> Names =
        ["as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack"];

    /// <summary>As the spec names it: <c>RLIMIT_NOFILE</c>.</summary>
    public string SpecType => "RLIMIT_" + Name.ToUpperInvariant();

    public override string ToString() => Soft == Hard
        ? string.Create(CultureInfo.InvariantCulture, $"{Name}={Soft}")
        : string.Create(CultureInfo.InvariantCulture, $"{Name}={Soft}:{Hard}");

    /// <summary><c>type=soft[:hard]</c>, a missing hard limit being the soft one, with go-units' messages.</summary>
    public static bool TryParse(string value, [NotNullWhen(true)] out Ulimit? ulimit, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(value);
        ulimit = null;
        var eq = value.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0)
        {
            error = $"invalid ulimit argument: {value}";
            return false;
        }

        var (name, limits) = (value[..eq], value[(eq + 1)..].Split(':'));
        if (!Names.Contains(name))
        {
            error = $"invalid ulimit type: {name}";
            return false;
        }

        if (limits.Length > 2)
        {
            error = $"too many limit value arguments - {value[(eq + 1)..]}, can only have up to two, `soft[:hard]`";
            return false;
        }

        if (!TryParseLimit(limits[0], out var soft, out error))
        {
            return false;
        }

        var hard = soft;
        if (limits.Length == 2 && !TryParseLimit(limits[1], out hard, out error))
        {
            return false;
        }

        if (hard != -1 && soft > hard)
        {
            error = $"ulimit soft limit must be less than or equal to hard limit: {soft} > {hard}";
            return false;
        }

        ulimit = new Ulimit(name, soft, hard);
        return true;
    }

    private static bool TryParseLimit(string text, out long limit, [NotNullWhen(false)] out string? error)
    {
        error = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit)
            ? null
            : $"strconv.ParseInt: parsing \"{text}\": invalid syntax";
        return error is null;
    }
}
