namespace Slipway.Dockerfile.Lint.Rules;

internal static class ConsistentInstructionCasing
{
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(ConsistentInstructionCasing),
        "All commands within the Dockerfile should use the same casing (either upper or lower)", Check);

    private static void Check(LintContext c, LintRule rule)
    {
        var nodes = c.Syntax.Children;
        var lower = nodes.Count(n => Casing.IsLower(n.Keyword));
        var upper = nodes.Count(n => Casing.IsUpper(n.Keyword));
        // Ties go to upper case, the documented convention.
        var majorityLower = lower > upper;
        var casing = majorityLower ? "lowercase" : "uppercase";
        foreach (var node in nodes)
        {
            if (majorityLower ? !Casing.IsLower(node.Keyword) : !Casing.IsUpper(node.Keyword))
            {
                c.Report(rule, $"Command '{node.Keyword}' should match the case of the command majority ({casing})", node.Span);
            }
        }
    }
}
