namespace Slipway.Runtime;

/// <summary>How the host mounts cgroups. crun refuses the hybrid layout (v1 controllers plus a v2
/// "unified" hierarchy), which some machines have; runc copes with all three.</summary>
public enum CgroupLayout
{
    Unknown,
    V1,
    V2,
    Hybrid,
}

/// <summary>One OCI runtime found on the machine, and whether Slipway can use it here.</summary>
public sealed record RuntimeCandidate(string Name, string? Path, bool Usable, string Reason);

/// <summary>Finds the OCI runtimes on PATH and says which work on this machine and why not.</summary>
public static class RuntimeDetector
{
    public static readonly IReadOnlyList<string> KnownRuntimes = ["runc", "crun"];

    /// <summary>Reads the layout from the text of /proc/self/mounts.</summary>
    public static CgroupLayout ParseCgroupLayout(string mounts)
    {
        ArgumentNullException.ThrowIfNull(mounts);
        bool v1 = false, v2Root = false, v2Unified = false;
        foreach (var line in mounts.Split('\n'))
        {
            var fields = line.Split(' ');
            if (fields.Length < 3 || !fields[1].StartsWith("/sys/fs/cgroup", StringComparison.Ordinal))
            {
                continue;
            }

            if (fields[2] == "cgroup2")
            {
                if (fields[1] == "/sys/fs/cgroup")
                {
                    v2Root = true;
                }
                else
                {
                    v2Unified = true;
                }
            }
            else if (fields[2] == "cgroup")
            {
                v1 = true;
            }
        }

        return (v1, v2Root, v2Unified) switch
        {
            (false, true, _) => CgroupLayout.V2,
            (true, _, true) => CgroupLayout.Hybrid,
            (true, _, false) => CgroupLayout.V1,
            _ => CgroupLayout.Unknown,
        };
    }

    public static CgroupLayout DetectCgroupLayout()
    {
        try
        {
            return ParseCgroupLayout(File.ReadAllText("/proc/self/mounts"));
        }
        catch (IOException)
        {
            return CgroupLayout.Unknown;
        }
        catch (UnauthorizedAccessException)
        {
            return CgroupLayout.Unknown;
        }
    }

    /// <summary>Every known runtime with its verdict, in order of preference.</summary>
    public static IReadOnlyList<RuntimeCandidate> Detect(string? pathVariable, CgroupLayout layout)
    {
        var result = new List<RuntimeCandidate>();
        foreach (var name in KnownRuntimes)
        {
            var path = FindOnPath(name, pathVariable);
            if (path is null)
            {
                result.Add(new RuntimeCandidate(name, null, false, "not installed (not on PATH)"));
            }
            else if (name == "crun" && layout == CgroupLayout.Hybrid)
            {
                result.Add(new RuntimeCandidate(name, path, false,
                    "refuses this machine's hybrid cgroup layout (cgroup v1 controllers with a v2 unified hierarchy)"));
            }
            else
            {
                result.Add(new RuntimeCandidate(name, path, true, $"usable (cgroups: {layout.ToString().ToLowerInvariant()})"));
            }
        }

        return result;
    }

    /// <summary>The runtime to use: the one asked for, if it is usable, or the first usable one.</summary>
    public static RuntimeCandidate? Choose(IReadOnlyList<RuntimeCandidate> candidates, string? requested, out string? error)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        error = null;
        if (!string.IsNullOrEmpty(requested))
        {
            var match = candidates.FirstOrDefault(c => c.Name == requested)
                ?? (File.Exists(requested) ? new RuntimeCandidate(System.IO.Path.GetFileName(requested), requested, true, "given by path") : null);
            if (match is null)
            {
                error = $"unknown runtime \"{requested}\" (known: {string.Join(", ", KnownRuntimes)}, or a path to one)";
                return null;
            }

            if (!match.Usable)
            {
                error = $"runtime {match.Name} cannot be used here: {match.Reason}";
                return null;
            }

            return match;
        }

        var usable = candidates.FirstOrDefault(c => c.Usable);
        if (usable is null)
        {
            error = "no usable OCI runtime: " + string.Join("; ", candidates.Select(c => $"{c.Name}: {c.Reason}"))
                + " (install runc)";
        }

        return usable;
    }

    internal static string? FindOnPath(string name, string? pathVariable)
    {
        foreach (var dir in (pathVariable ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").Split(':'))
        {
            if (dir.Length == 0)
            {
                continue;
            }

            var candidate = System.IO.Path.Join(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
