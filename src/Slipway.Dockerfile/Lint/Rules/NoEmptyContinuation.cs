using Slipway.Dockerfile.Diagnostics;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class NoEmptyContinuation
{
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(NoEmptyContinuation),
        "Empty continuation lines will become errors in a future release", Check);

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var warning in c.Syntax.Warnings)
        {
            if (warning.Message.StartsWith("Empty continuation line", StringComparison.Ordinal))
            {
                c.Report(rule, "Empty continuation line", SourceSpan.Line(c.Syntax.File, warning.Line));
            }
        }
    }
}
