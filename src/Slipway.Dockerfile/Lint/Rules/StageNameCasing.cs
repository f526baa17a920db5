namespace Slipway.Dockerfile.Lint.Rules;

internal static class StageNameCasing
{
    public static LintRule Rule { get; } = new()
    {
        Id = nameof(StageNameCasing),
        Description = "Stage names should be lowercase",
        Url = LintRule.BuildKitUrl(nameof(StageNameCasing)),
        FromBuildKit = true,
        Check = Check,
    };

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var stage in c.Stages)
        {
            if (stage.WrittenName is { } name && !Casing.IsLower(name))
            {
                c.Report(rule, $"Stage name '{name}' should be lowercase", stage.From.Span);
            }
        }
    }
}
