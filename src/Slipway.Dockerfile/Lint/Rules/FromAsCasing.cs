namespace Slipway.Dockerfile.Lint.Rules;

internal static class FromAsCasing
{
    public static LintRule Rule { get; } = new()
    {
        Id = nameof(FromAsCasing),
        Description = "The 'as' keyword should match the case of the 'from' keyword",
        Url = LintRule.BuildKitUrl(nameof(FromAsCasing)),
        FromBuildKit = true,
        Check = Check,
    };

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var stage in c.Stages)
        {
            var node = stage.From.Node;
            if (node.Args.Count != 3)
            {
                continue;
            }

            var from = node.Keyword;
            var @as = node.Args[1];
            // Mixed-case FROM is ConsistentInstructionCasing's business; this rule compares all-upper with all-lower.
            var fromUpper = Casing.IsUpper(from);
            var asUpper = Casing.IsUpper(@as);
            var fromLower = Casing.IsLower(from);
            var asLower = Casing.IsLower(@as);
            if ((fromUpper && !asUpper) || (fromLower && !asLower))
            {
                c.Report(rule, $"'{@as}' and '{from}' keywords' casing do not match", stage.From.Span);
            }
        }
    }
}
