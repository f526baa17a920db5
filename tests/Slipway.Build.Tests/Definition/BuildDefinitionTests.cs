using Slipway.Build.Definition;
using Slipway.Oci;

namespace Slipway.Build.Tests.Definition;

public sealed class BuildDefinitionTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-definition-");

    public void Dispose() => _dir.Delete(true);

    private string Write(string name, string text)
    {
        var path = Path.Join(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private BuildDefinition Create(string dockerfile, string? target = null) =>
        BuildDefinition.Create(dockerfile, new DefinitionSource { ContextDir = _dir.FullName, DockerfilePath = Write("Dockerfile", dockerfile), Target = target });

    [Fact]
    public void A_buildable_file_has_its_graph_its_checks_and_no_build_error()
    {
        var definition = Create("FROM scratch AS base\nFROM base\nCOPY a /a\n");
        Assert.Null(definition.BuildError);
        Assert.Equal(2, definition.Graph.Graph!.Required.Count);
        Assert.NotNull(definition.Checks);
        Assert.Equal("Dockerfile", definition.Source.DockerfileName);
    }

    [Fact]
    public void The_stage_graph_carries_the_platform_of_the_build()
    {
        var definition = Create("FROM scratch\n");
        Assert.Equal(Platform.Host.ToString(), definition.Graph.Graph!.MetaScope["TARGETPLATFORM"]);
        Assert.Equal(Platform.Host.ToString(), definition.Graph.Graph.MetaScope["BUILDPLATFORM"]);
    }

    [Fact]
    public void A_file_that_does_not_parse_has_no_check_report_and_its_error_is_located()
    {
        var definition = Create("FROM scratch\nFROBNICATE now\n");
        Assert.Null(definition.Checks);
        Assert.StartsWith("Dockerfile:2:1: unknown instruction: FROBNICATE", definition.BuildError, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_target_is_the_build_error()
    {
        var definition = Create("FROM scratch AS a\n", target: "nope");
        Assert.StartsWith("Dockerfile:1:1: target stage \"nope\" could not be found", definition.BuildError, StringComparison.Ordinal);
    }

    [Fact]
    public void The_ignore_file_read_once_serves_the_build_and_the_checks()
    {
        Write(".dockerignore", "notes.md\n");
        Write("notes.md", "x");
        var definition = Create("FROM scratch\nCOPY notes.md /notes.md\n");

        Assert.EndsWith(".dockerignore", definition.Ignore.File, StringComparison.Ordinal);
        Assert.True(definition.Ignore.Matcher!.MatchesOrParentMatches("notes.md"));
        Assert.Contains(definition.Checks!.Findings, f => f.RuleId == "CopyIgnoredFile");
        Assert.DoesNotContain(definition.Checks.Findings, f => f.RuleId == "MissingDockerignore");
    }

    [Fact]
    public void A_malformed_ignore_file_is_the_builds_error_and_the_checks_do_without_it()
    {
        Write(".dockerignore", "!\n");
        var definition = Create("FROM scratch\nCOPY a /a\n");

        Assert.Null(definition.Ignore.Matcher);
        Assert.Equal("failed to parse .dockerignore: illegal exclusion pattern: \"!\"", definition.Ignore.Error);
        Assert.NotNull(definition.Checks);
    }

    [Fact]
    public void Standard_input_is_named_Dockerfile_and_has_no_ignore_file_of_its_own()
    {
        Write("-.dockerignore", "a\n");
        var definition = BuildDefinition.Create("FROM scratch\n", new DefinitionSource { ContextDir = _dir.FullName });
        Assert.Equal("Dockerfile", definition.Source.DockerfileName);
        Assert.Null(definition.Ignore.File);
    }

    [Fact]
    public void SOURCE_DATE_EPOCH_comes_from_the_build_arg_or_a_global_ARG_and_a_bad_one_is_the_build_error()
    {
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_600_000_000), Create("ARG SOURCE_DATE_EPOCH=1600000000\nFROM scratch\n").SourceDateEpoch);
        var source = new DefinitionSource
        {
            ContextDir = _dir.FullName,
            BuildArgs = new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = "soon" },
        };
        var bad = BuildDefinition.Create("FROM scratch\n", source);
        Assert.Null(bad.SourceDateEpoch);
        Assert.Equal("invalid SOURCE_DATE_EPOCH: soon", bad.BuildError);
    }
}
