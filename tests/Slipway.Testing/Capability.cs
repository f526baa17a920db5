namespace Slipway.Testing;

/// <summary>Tests that need something from the machine (root, a runtime, a registry binary) call this first.
/// On a developer machine a missing capability skips the test with the reason; under CI (CI=true) it fails,
/// because CI installs every capability and a skip there would hide a broken setup.</summary>
public static class Capability
{
    public static bool InCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void Require(bool present, string reason)
    {
        if (present)
        {
            return;
        }

        if (InCi)
        {
            Assert.Fail($"required capability missing under CI: {reason}");
        }

        Assert.Skip(reason);
    }

    public static void RequireRoot() =>
        Require(Environment.UserName == "root", "needs root (namespaces, overlay mounts)");

    public static string RequireTool(string name)
    {
        var path = Which(name);
        Require(path is not null, $"needs '{name}' on PATH (installed by scripts/setup)");
        return path!;
    }

    public static string? Which(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':'))
        {
            if (dir.Length == 0)
            {
                continue;
            }

            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
