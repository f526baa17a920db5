namespace Slipway.Testing;

/// <summary>BuildKit's own test vectors live beside the project in ../shared/conformance; they are read in
/// place, never copied into the project.</summary>
public static class Conformance
{
    /// <summary>The repository root: the nearest folder above the test binary that holds Slipway.slnx.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Join(dir.FullName, "Slipway.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Slipway.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The conformance folder, or null when it is not present. Worktrees under a sibling folder also
    /// look for it next to the main checkout (SLIPWAY_CONFORMANCE overrides).</summary>
    public static string? Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable("SLIPWAY_CONFORMANCE");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return Directory.Exists(fromEnv) ? fromEnv : null;
        }

        for (var dir = new DirectoryInfo(RepositoryRoot()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Join(dir.FullName, "shared", "conformance");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The named folder under the conformance root. The vectors live outside the project, so a checkout
    /// without them skips these tests, even under CI, and says so; a folder that is present but incomplete fails
    /// under CI.</summary>
    public static string Require(string relative)
    {
        var root = Locate();
        if (root is null)
        {
            Assert.Skip("BuildKit conformance vectors not present (../shared/conformance beside the repository, or SLIPWAY_CONFORMANCE)");
        }

        var path = Path.Join(root!, relative);
        Capability.Require(Directory.Exists(path) || File.Exists(path), $"conformance vectors missing: {relative}");
        return path;
    }
}
