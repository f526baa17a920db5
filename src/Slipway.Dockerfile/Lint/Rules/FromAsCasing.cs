namespace Slipway.Dockerfile.Lint.Rules;

internal static class FromAsCasing
{
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(FromAsCasing),
        "The 'as' keyword should match the case of the 'from' keyword", LintRule.EachStage(Check));

    private static IEnumerable<string> Check(LintStage stage)
    {
        var node = stage.From.Node;
        if (node.Args.Count != 3)
        {
            return [];
        }

        var from = node.Keyword;
        var @as = node.Args[1];
        // Mixed-case FROM is ConsistentInstructionCasing's business; this rule compares all-upper with all-lower.
        var fromUpper = Casing.IsUpper(from);
        var asUpper = Casing.IsUpper(@as);
        var fromLower = Casing.IsLower(from);
        var asLower = Casing.IsLower(@as);
        return (fromUpper && !asUpper) || (fromLower && !asLower) ? [$"'{@as}' and '{from}' keywords' casing do not match"] : [];
    }
}
