using System.Text;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Instructions;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Tests.Golden;

/// <summary>Our own golden files: TestData/Parse/&lt;case&gt;/{Dockerfile,expected} hold the dump, the typed
/// instructions and the stage graph; TestData/Fail/&lt;case&gt;/{Dockerfile,expected} hold the exact diagnostics.
/// Set SLIPWAY_UPDATE_GOLDEN=1 to rewrite the expected files after a deliberate change (then review the diff).</summary>
public class GoldenTests
{
    private static readonly string TestData = FindTestData();

    public static TheoryData<string> ParseCases => Cases("Parse");

    public static TheoryData<string> FailCases => Cases("Fail");

    [Theory]
    [MemberData(nameof(ParseCases))]
    public void A_valid_dockerfile_gives_the_expected_tree_instructions_and_stages(string name)
    {
        var dir = Path.Join(TestData, "Parse", name);
        var document = DockerfileDocument.Parse(File.ReadAllText(Path.Join(dir, "Dockerfile")));
        Assert.True(document.Diagnostics.Count == 0, DiagnosticFormatter.FormatAll(document.Diagnostics, document.Syntax.SourceLines));
        var sb = new StringBuilder();
        sb.Append(NodeDump.Dump(document.Syntax.Children)).Append("\n--- instructions\n");
        foreach (var instruction in document.Instructions.Instructions)
        {
            sb.Append(instruction.Span.StartLine).Append(": ").Append(InstructionSummary.Describe(instruction)).Append('\n');
        }

        var graph = document.BuildGraph(Options(dir));
        sb.Append("--- stages\n");
        if (graph.Graph is { } g)
        {
            foreach (var arg in g.GlobalArgs)
            {
                sb.Append("global ").Append(arg.Definition.Name).Append('=').Append(arg.Value ?? "(unset)").Append('\n');
            }

            foreach (var stage in g.Stages)
            {
                sb.Append(stage.Index).Append(' ').Append(stage.Name ?? "-").Append(" base=").Append(stage.BaseName)
                    .Append(" platform=").Append(stage.Platform ?? "-")
                    .Append(" deps=[").Append(string.Join(',', stage.Dependencies)).Append(']')
                    .Append(" images=[").Append(string.Join(',', stage.ExternalImages)).Append("]\n");
                foreach (var arg in stage.Args)
                {
                    sb.Append("  arg ").Append(arg.Name).Append('=').Append(arg.Value ?? "(unset)").Append('\n');
                }
            }

            sb.Append("target ").Append(g.Target.DisplayName).Append(" needs ")
                .Append(string.Join(',', g.Required.Select(s => s.DisplayName))).Append('\n');
        }
        else
        {
            sb.Append(DiagnosticFormatter.FormatAll(graph.Diagnostics, document.Syntax.SourceLines));
        }

        Check(dir, sb.ToString());
    }

    [Theory]
    [MemberData(nameof(FailCases))]
    public void An_invalid_dockerfile_gives_the_expected_diagnostics(string name)
    {
        var dir = Path.Join(TestData, "Fail", name);
        var document = DockerfileDocument.Parse(File.ReadAllText(Path.Join(dir, "Dockerfile")));
        var diagnostics = document.Diagnostics.Count > 0
            ? document.Diagnostics
            : document.BuildGraph(Options(dir)).Diagnostics;
        Assert.NotEmpty(diagnostics);
        Check(dir, DiagnosticFormatter.FormatAll(diagnostics, document.Syntax.SourceLines));
    }

    /// <summary>An optional <c>options</c> file: <c>target=NAME</c> and <c>build-arg=K=V</c> lines.</summary>
    private static StageGraphOptions Options(string dir)
    {
        var path = Path.Join(dir, "options");
        if (!File.Exists(path))
        {
            return new StageGraphOptions();
        }

        string? target = null;
        var args = new Dictionary<string, string>();
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.StartsWith("target=", StringComparison.Ordinal))
            {
                target = line["target=".Length..];
            }
            else if (line.StartsWith("build-arg=", StringComparison.Ordinal))
            {
                var kv = line["build-arg=".Length..].Split('=', 2);
                args[kv[0]] = kv.Length > 1 ? kv[1] : "";
            }
        }

        return new StageGraphOptions { Target = target, BuildArgs = args, TargetPlatform = "linux/arm64/v8" };
    }

    private static void Check(string dir, string actual)
    {
        var expectedPath = Path.Join(dir, "expected");
        if (Environment.GetEnvironmentVariable("SLIPWAY_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(expectedPath, actual);
            return;
        }

        Assert.True(File.Exists(expectedPath), $"missing {expectedPath}; run with SLIPWAY_UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllText(expectedPath), actual);
    }

    private static TheoryData<string> Cases(string kind)
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Path.Join(TestData, kind)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    private static string FindTestData()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Join(dir.FullName, "Slipway.slnx")))
        {
            dir = dir.Parent;
        }

        return Path.Join(dir?.FullName ?? ".", "tests", "Slipway.Dockerfile.Tests", "TestData");
    }
}
