namespace Slipway.Dockerfile.Lint.Rules;

internal static class StageNameCasing
{
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(StageNameCasing), "Stage names should be lowercase", LintRule.EachStage(Check));

    private static IEnumerable<string> Check(LintStage stage) =>
        stage.WrittenName is { } name && !Casing.IsLower(name) ? [$"Stage name '{name}' should be lowercase"] : [];
}
