using Slipway.Testing;

namespace Slipway.Dockerfile.Tests.Expansion;

/// <summary>Finds the BuildKit conformance vectors that sit beside the repository (they are not part of it).</summary>
internal static class ConformanceFolder
{
    /// <summary>The path of <c>shared/conformance/&lt;relative&gt;</c>; skips the test (fails under CI) when the
    /// vectors are absent.</summary>
    public static string Require(string relative)
    {
        var path = Find(relative);
        Capability.Require(
            path is not null,
            $"the BuildKit conformance vectors (../shared/conformance/{relative} beside the repository) are absent");
        return path!;
    }

    /// <summary>Walks up from the test binary to the folder holding Slipway.slnx, then looks for
    /// <c>shared/conformance</c> in its parent and, for a git worktree kept deeper than the main checkout,
    /// in the parents above that.</summary>
    public static string? Find(string relative)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Join(root.FullName, "Slipway.slnx")))
        {
            root = root.Parent;
        }

        for (var dir = root?.Parent; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Join(dir.FullName, "shared", "conformance", relative);
            if (File.Exists(candidate) || Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
