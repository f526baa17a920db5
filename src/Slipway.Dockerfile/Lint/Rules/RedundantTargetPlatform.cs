namespace Slipway.Dockerfile.Lint.Rules;

internal static class RedundantTargetPlatform
{
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(RedundantTargetPlatform),
        "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior", LintRule.EachStage(Check));

    private static IEnumerable<string> Check(LintStage stage) => stage.From.Platform is "$TARGETPLATFORM" or "${TARGETPLATFORM}"
        ? [$"Setting platform to predefined {stage.From.Platform} in FROM is redundant as this is the default behavior"]
        : [];
}
