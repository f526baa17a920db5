namespace Slipway.Architecture.Tests;

/// <summary>Inside each project the folders (namespaces) depend on each other one way only, judged from
/// <c>using Slipway.…</c> directives and fully qualified <c>Slipway.X.Y.</c> mentions. A cycle fails with the
/// files that make each edge of it.</summary>
public sealed class FolderGraphTests
{
    /// <summary>Edges of cycles another part of issue 13 removes, allowed until it lands; an allowed edge that is
    /// gone fails <see cref="Every_allowed_edge_still_exists"/>, so the exception does not outlive the cycle.</summary>
    private static readonly (string From, string To, string Why)[] AllowedEdges =
    [
        // None left: Builder moved up into Pipeline, so Cache, Hygiene and Ops use Engine one way only.
    ];

    [Fact]
    public void No_folder_cycle_inside_any_project()
    {
        var problems = new List<string>();
        foreach (var project in SourceTree.Projects)
        {
            var files = FilesByEdge(project);
            var edges = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
            foreach (var ((from, to), _) in files.Where(e => !AllowedEdges.Any(a => a.From == e.Key.From && a.To == e.Key.To)))
            {
                edges[from] = (edges.GetValueOrDefault(from) ?? new HashSet<string>(StringComparer.Ordinal)).Append(to).ToHashSet(StringComparer.Ordinal);
            }

            foreach (var cycle in Cycles.Find(edges))
            {
                problems.Add($"{project.Name}: the folders {string.Join(", ", cycle)} use each other:");
                foreach (var ((from, to), names) in files.Where(e => cycle.Contains(e.Key.From) && cycle.Contains(e.Key.To))
                    .OrderBy(e => e.Key.From, StringComparer.Ordinal).ThenBy(e => e.Key.To, StringComparer.Ordinal))
                {
                    problems.Add($"  {from} → {to}: {string.Join(", ", names)}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Every_allowed_edge_still_exists()
    {
        var gone = AllowedEdges
            .Where(a => !SourceTree.Projects.Any(p => FilesByEdge(p).ContainsKey((a.From, a.To))))
            .Select(a => $"{a.From} → {a.To} ({a.Why}) is gone: remove it from {nameof(FolderGraphTests)}.{nameof(AllowedEdges)}")
            .ToList();

        Assert.True(gone.Count == 0, string.Join('\n', gone));
    }

    /// <summary>Each edge between two namespaces of <paramref name="project"/>, with the files that make it.</summary>
    private static Dictionary<(string From, string To), List<string>> FilesByEdge(SourceProject project)
    {
        var known = project.Files.Select(f => f.Namespace).ToHashSet(StringComparer.Ordinal);
        var edges = new Dictionary<(string, string), List<string>>();
        foreach (var file in project.Files)
        {
            foreach (var target in Dependencies.NamespacesOf(file, known))
            {
                if (!edges.TryGetValue((file.Namespace, target), out var list))
                {
                    edges[(file.Namespace, target)] = list = [];
                }

                list.Add(file.Display);
            }
        }

        return edges;
    }
}
