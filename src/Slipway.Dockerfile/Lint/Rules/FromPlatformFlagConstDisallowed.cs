namespace Slipway.Dockerfile.Lint.Rules;

internal static class FromPlatformFlagConstDisallowed
{
    public static LintRule Rule { get; } = new()
    {
        Id = nameof(FromPlatformFlagConstDisallowed),
        Description = "FROM --platform flag should not use a constant value",
        Url = LintRule.BuildKitUrl(nameof(FromPlatformFlagConstDisallowed)),
        FromBuildKit = true,
        Check = Check,
    };

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var stage in c.Stages)
        {
            if (stage.From.Platform is not { } platform || platform.Contains('$', StringComparison.Ordinal))
            {
                continue;
            }

            // A stage named for its platform (build-arm64) pins it on purpose.
            var parts = platform.Split('/');
            if (stage.Name is { } name && parts.Length > 1 && name.Contains(parts[1], StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            c.Report(rule, $"FROM --platform flag should not use constant value \"{platform}\"", stage.From.Span);
        }
    }
}
