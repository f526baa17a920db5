using Slipway.Dockerfile.Lint;

namespace Slipway.Dockerfile.Tests.Lint;

/// <summary>The documentation is the test data: every rule's Bad example fires that rule and nothing else, and its
/// Good example fires nothing.</summary>
public sealed class RulePageTests
{
    public static TheoryData<string> Pages() => [.. RulePage.Ids()];

    private static List<string> Fired(string dockerfile, LintFacts facts) =>
        [.. Linter.Run(DockerfileDocument.Parse(dockerfile), facts).Findings.Select(f => f.RuleId).Distinct()];

    [Theory]
    [MemberData(nameof(Pages))]
    public void The_bad_example_fires_exactly_its_rule(string id)
    {
        var page = RulePage.Load(id);
        var document = DockerfileDocument.Parse(page.Bad);
        Assert.Empty(document.Diagnostics);
        Assert.Equal([id], Fired(page.Bad, page.BadFacts));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void The_good_example_fires_nothing(string id)
    {
        var page = RulePage.Load(id);
        Assert.Empty(DockerfileDocument.Parse(page.Good).Diagnostics);
        Assert.Empty(Fired(page.Good, page.GoodFacts));
    }

    [Fact]
    public void Every_rule_has_a_page_and_every_page_a_rule()
    {
        Assert.Equal(Linter.Rules.Select(r => r.Id).Order(StringComparer.Ordinal), RulePage.Ids());
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void A_page_is_titled_with_its_rule_id(string id) => Assert.Equal(id, RulePage.Load(id).Title);

    [Fact]
    public void BuildKits_rules_are_all_there_with_buildkits_urls()
    {
        string[] buildKit =
        [
            "StageNameCasing", "FromAsCasing", "NoEmptyContinuation", "ConsistentInstructionCasing", "DuplicateStageName",
            "ReservedStageName", "JSONArgsRecommended", "MaintainerDeprecated", "UndefinedArgInFrom", "WorkdirRelativePath",
            "UndefinedVar", "MultipleInstructionsDisallowed", "LegacyKeyValueFormat", "InvalidDefaultArgInFrom",
            "FromPlatformFlagConstDisallowed", "CopyIgnoredFile", "RedundantTargetPlatform", "SecretsUsedInArgOrEnv",
            "InvalidDefinitionDescription", "ExposeProtoCasing", "ExposeInvalidFormat", "InvalidBaseImagePlatform",
        ];
        Assert.Equal(buildKit.Order(StringComparer.Ordinal), Linter.Rules.Where(r => r.FromBuildKit).Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Equal("https://docs.docker.com/go/dockerfile/rule/json-args-recommended/", Linter.Find("JSONArgsRecommended")!.Url);
        Assert.Equal("https://docs.docker.com/go/dockerfile/rule/from-as-casing/", Linter.Find("FromAsCasing")!.Url);
        Assert.False(Linter.Find("InvalidDefinitionDescription")!.EnabledByDefault);
        Assert.All(Linter.Rules.Where(r => r.Id != "InvalidDefinitionDescription"), r => Assert.True(r.EnabledByDefault));
    }
}
