namespace Slipway.Architecture.Tests;

/// <summary>The projects under src reference exactly what docs/architecture.md says they may, use every
/// reference they declare, and form no cycle. With transitive references off (Directory.Build.props) the
/// compiler holds each project to its declared list, so the declared graph is the used one.</summary>
public sealed class ProjectGraphTests
{
    [Fact]
    public void Every_project_references_what_docs_architecture_says_it_may_and_nothing_else()
    {
        var allowed = ArchitectureDoc.MayReference();
        var problems = new List<string>();
        foreach (var project in SourceTree.Projects)
        {
            if (!allowed.TryGetValue(project.Name, out var may))
            {
                problems.Add($"src/{project.Name}: no row in the projects table of docs/architecture.md");
                continue;
            }

            var declared = project.References.ToHashSet(StringComparer.Ordinal);
            foreach (var extra in declared.Except(may).Order(StringComparer.Ordinal))
            {
                problems.Add($"src/{project.Name}/{project.Name}.csproj references {extra}, which docs/architecture.md does not allow");
            }

            foreach (var missing in may.Except(declared).Order(StringComparer.Ordinal))
            {
                problems.Add($"src/{project.Name}/{project.Name}.csproj does not reference {missing}, which docs/architecture.md lists");
            }
        }

        foreach (var row in allowed.Keys.Except(SourceTree.Projects.Select(p => p.Name)).Order(StringComparer.Ordinal))
        {
            problems.Add($"docs/architecture.md lists {row}, which is not a project under src");
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void No_project_declares_a_reference_it_does_not_use()
    {
        var problems = new List<string>();
        foreach (var project in SourceTree.Projects)
        {
            var used = project.Files.SelectMany(Dependencies.ProjectsOf).ToHashSet(StringComparer.Ordinal);
            foreach (var unused in project.References.Where(r => !used.Contains(r)))
            {
                problems.Add($"src/{project.Name}/{project.Name}.csproj references {unused}, but no file of it names Slipway.{unused["Slipway.".Length..]}");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_project_graph_has_no_cycle()
    {
        var edges = SourceTree.Projects.ToDictionary(p => p.Name, IReadOnlySet<string> (p) => p.References.ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);

        var cycles = Cycles.Find(edges);

        Assert.True(cycles.Count == 0, "projects that reference each other: " + string.Join("; ", cycles.Select(c => string.Join(", ", c))));
    }
}
