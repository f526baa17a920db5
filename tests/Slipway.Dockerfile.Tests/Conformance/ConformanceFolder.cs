using Slipway.Testing;

namespace Slipway.Dockerfile.Tests.Conformance;

/// <summary>The shared BuildKit conformance vectors (located by <see cref="Slipway.Testing.Conformance"/>), and their
/// case folders as theory data. They are read in place, never copied.</summary>
public static class ConformanceFolder
{
    public const string Absent = "(conformance folder absent)";

    public static string? Root { get; } = Slipway.Testing.Conformance.Locate();

    public static string Require(string sub)
    {
        return Slipway.Testing.Conformance.Require(sub);
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
}
