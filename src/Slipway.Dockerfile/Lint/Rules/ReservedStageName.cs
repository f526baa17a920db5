namespace Slipway.Dockerfile.Lint.Rules;

internal static class ReservedStageName
{
    /// <summary>Names a FROM or <c>--from</c> already gives a meaning to.</summary>
    private static readonly string[] Reserved = ["scratch", "context"];

    public static LintRule Rule { get; } = new()
    {
        Id = nameof(ReservedStageName),
        Description = "Reserved words should not be used as stage names",
        Url = LintRule.BuildKitUrl(nameof(ReservedStageName)),
        FromBuildKit = true,
        Check = Check,
    };

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var stage in c.Stages)
        {
            if (stage.Name is { } name && Reserved.Contains(name))
            {
                c.Report(rule, $"Stage name should not use the same name as reserved stage \"{name}\"", stage.From.Span);
            }
        }
    }
}
