namespace Slipway.Architecture.Tests;

/// <summary>The projects table of docs/architecture.md: each row's project and its "may reference" column
/// (short names without <c>Slipway.</c>, comma-separated; <c>—</c> for none).</summary>
public static class ArchitectureDoc
{
    public static string Path => System.IO.Path.Join(SourceTree.Root, "docs", "architecture.md");

    public static IReadOnlyDictionary<string, IReadOnlySet<string>> MayReference()
    {
        var rows = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        string[]? header = null;
        foreach (var line in File.ReadLines(Path))
        {
            if (!line.StartsWith('|'))
            {
                header = null;
                continue;
            }

            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (header is null)
            {
                header = cells;
                continue;
            }

            var column = Array.IndexOf(header, "may reference");
            if (column < 0 || cells[0].StartsWith("---", StringComparison.Ordinal))
            {
                continue;
            }

            rows[cells[0]] = cells[column] is "—" or "-" or ""
                ? new HashSet<string>(StringComparer.Ordinal)
                : cells[column].Split(',').Select(n => "Slipway." + n.Trim()).ToHashSet(StringComparer.Ordinal);
        }

        return rows;
    }
}
