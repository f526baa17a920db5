using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class UndefinedArgInFrom
{
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(UndefinedArgInFrom), "FROM command must use declared ARGs", Check);

    private static void Check(LintContext c, LintRule rule)
    {
        var declared = c.GlobalArgs.SelectMany(a => a.Args).Select(a => a.Name).Concat(PlatformArgs.Names)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var stage in c.Stages)
        {
            var words = new[] { stage.From.BaseName, stage.From.Platform }.OfType<string>();
            foreach (var name in words.SelectMany(w => c.Expand(w, n => declared.Contains(n) ? "" : null)?.Unmatched ?? new HashSet<string>()).Distinct())
            {
                c.Report(rule, $"FROM argument '{name}' is not declared{Suggest.Hint(name, declared, caseSensitive: true)}", stage.From.Span);
            }
        }
    }
}
