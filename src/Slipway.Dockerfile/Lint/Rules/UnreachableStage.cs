namespace Slipway.Dockerfile.Lint.Rules;

internal static class UnreachableStage
{
    public static LintRule Rule { get; } = LintRule.Slipway(nameof(UnreachableStage),
        "Every stage should be the target, be used by another stage, or have a name to be targeted by", Check);

    private static void Check(LintContext c, LintRule rule)
    {
        var used = c.Stages.SelectMany(s => s.Dependencies).ToHashSet();
        // The last stage is what a build without --target makes: under --target another stage, it and what it needs
        // are still reachable by the default build, not dead (BuildKit just leaves stages the target does not need).
        var byDefault = c.Stages.Count > 0 ? c.Closure(c.Stages[^1].Index) : new HashSet<int>();
        foreach (var stage in c.Stages)
        {
            // A named stage nobody uses is an alternative target (--target test); a nameless one is dead weight.
            if (!c.Reachable.Contains(stage.Index) && !byDefault.Contains(stage.Index) && !used.Contains(stage.Index) && stage.Name is null)
            {
                c.Report(rule, $"Stage {stage.Index} is never built: it is not the target, no stage builds on it or copies from it, and it has no name to target",
                    stage.From.Span);
            }
        }
    }
}
