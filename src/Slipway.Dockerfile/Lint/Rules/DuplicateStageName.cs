namespace Slipway.Dockerfile.Lint.Rules;

internal static class DuplicateStageName
{
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(DuplicateStageName), "Stage names should be unique", Check);

    private static void Check(LintContext c, LintRule rule)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stage in c.Stages)
        {
            if (stage.Name is { } name && !seen.Add(name))
            {
                c.Report(rule, $"Duplicate stage name \"{name}\", stage names should be unique", stage.From.Span);
            }
        }
    }
}
