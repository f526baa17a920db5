namespace Slipway.Dockerfile.Lint.Rules;

internal static class RedundantTargetPlatform
{
    public static LintRule Rule { get; } = new()
    {
        Id = nameof(RedundantTargetPlatform),
        Description = "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior",
        Url = LintRule.BuildKitUrl(nameof(RedundantTargetPlatform)),
        FromBuildKit = true,
        Check = Check,
    };

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var stage in c.Stages)
        {
            if (stage.From.Platform is "$TARGETPLATFORM" or "${TARGETPLATFORM}")
            {
                c.Report(rule, $"Setting platform to predefined {stage.From.Platform} in FROM is redundant as this is the default behavior",
                    stage.From.Span);
            }
        }
    }
}
