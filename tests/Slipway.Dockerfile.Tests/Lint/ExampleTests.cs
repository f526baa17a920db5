using Slipway.Dockerfile.Lint;

namespace Slipway.Dockerfile.Tests.Lint;

/// <summary>The repository's examples are the good practice the rules describe: they pass, except the single-stage
/// one, which is there to show what the rules catch.</summary>
public sealed class ExampleTests
{
    private static List<string> Check(string example, string file = "Dockerfile", string? target = null)
    {
        var dir = Path.Join(Slipway.Testing.Conformance.RepositoryRoot(), "examples", example);
        var facts = new LintFacts
        {
            HasDockerignore = File.Exists(Path.Join(dir, ".dockerignore")),
            ContextTopLevel = Directory.EnumerateFileSystemEntries(dir).Select(p => Path.GetFileName(p)!).ToHashSet(StringComparer.Ordinal),
            Target = target,
        };
        var document = DockerfileDocument.Parse(File.ReadAllText(Path.Join(dir, file)), file);
        return [.. Linter.Run(document, facts).Findings.Select(f => f.RuleId).Distinct().Order(StringComparer.Ordinal)];
    }

    [Theory]
    [InlineData("go-web", "Dockerfile")]
    [InlineData("go-web", "Dockerfile.healthcheck")]
    [InlineData("c-static", "Dockerfile")]
    [InlineData("node-ts", "Dockerfile")]
    [InlineData("test-stage", "Dockerfile")]
    [InlineData("multi-arch", "Dockerfile")]
    public void A_good_example_passes_every_check(string example, string file) => Assert.Empty(Check(example, file));

    /// <summary>The tutorials' own commands: `--target builder` stops at the builder, `--target test` runs the tests.
    /// The image built is then that stage, so the final-stage rules judge it; nothing else fires, and the stages a
    /// build without --target makes are not unreachable.</summary>
    [Theory]
    [InlineData("go-web", "Dockerfile", "builder")]
    [InlineData("go-web", "Dockerfile.healthcheck", "builder")]
    [InlineData("go-web", "Dockerfile.healthcheck", "healthcheck")]
    [InlineData("c-static", "Dockerfile", "build")]
    [InlineData("node-ts", "Dockerfile", "build")]
    [InlineData("node-ts", "Dockerfile", "deps")]
    [InlineData("test-stage", "Dockerfile", "test")]
    [InlineData("test-stage", "Dockerfile", "build")]
    public void A_good_example_built_to_an_earlier_target_fires_only_the_final_stage_rules(string example, string file, string target) =>
        Assert.DoesNotContain(Check(example, file, target), id => !id.StartsWith("FinalStage", StringComparison.Ordinal));

    [Fact]
    public void The_single_stage_example_is_told_it_ships_a_toolchain_as_root() =>
        Assert.Equal(["FinalStageIsToolchain", "FinalStageRunsAsRoot"], Check("go-web", "Dockerfile.single"));
}
