namespace Slipway.Dockerfile.Lint.Rules;

internal static class FromPlatformFlagConstDisallowed
{
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(FromPlatformFlagConstDisallowed),
        "FROM --platform flag should not use a constant value", LintRule.EachStage(Check));

    private static IEnumerable<string> Check(LintStage stage)
    {
        if (stage.From.Platform is not { } platform || platform.Contains('$', StringComparison.Ordinal))
        {
            return [];
        }

        // A stage named for its platform (build-arm64) pins it on purpose.
        var parts = platform.Split('/');
        if (stage.Name is { } name && parts.Length > 1 && name.Contains(parts[1], StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        return [$"FROM --platform flag should not use constant value \"{platform}\""];
    }
}
