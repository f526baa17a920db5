using Slipway.Testing;

namespace Slipway.Dockerfile.Tests.Conformance;

/// <summary>Finds the shared BuildKit conformance vectors: <c>../shared/conformance</c> next to the repository
/// (walking further up for a git worktree kept under a sibling folder). They are read in place, never copied.</summary>
public static class ConformanceFolder
{
    public const string Absent = "(conformance folder absent)";

    public static string? Root { get; } = Find();

    public static string Require(string sub)
    {
        Capability.Require(Root is not null, "the BuildKit conformance folder ../shared/conformance is not present");
        return Path.Join(Root, sub);
    }

    /// <summary>Case folder names under <paramref name="sub"/>, or a single placeholder that skips.</summary>
    public static TheoryData<string> Cases(string sub)
    {
        var data = new TheoryData<string>();
        if (Root is null || !Directory.Exists(Path.Join(Root, sub)))
        {
            data.Add(Absent);
            return data;
        }

        foreach (var dir in Directory.GetDirectories(Path.Join(Root, sub)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    private static string? Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Join(dir.FullName, "Slipway.slnx")))
        {
            dir = dir.Parent;
        }

        for (var up = dir?.Parent; up is not null; up = up.Parent)
        {
            var candidate = Path.Join(up.FullName, "shared", "conformance");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
