using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class AptListsNotRemoved
{
    public static LintRule Rule { get; } = LintRule.Slipway(nameof(AptListsNotRemoved),
        "A RUN that runs apt-get install should remove /var/lib/apt/lists in the same RUN", Check);

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var run in c.StageInstructions<RunInstruction>())
        {
            var script = SlipwayRule.Script(run);
            if (!AptInstallRecommends.AptInstall().IsMatch(script))
            {
                continue;
            }

            // A cache mount over the lists keeps them out of the layer as well as removing them does.
            var cached = run.Mounts.Any(m => m.Type == MountType.Cache && m.Target is { } t && t.TrimEnd('/') is "/var/lib/apt" or "/var/lib/apt/lists");
            if (!cached && !script.Contains("/var/lib/apt/lists", StringComparison.Ordinal))
            {
                c.Report(rule, "apt-get lists stay in the layer: end the same RUN with rm -rf /var/lib/apt/lists/* (or mount a cache on /var/lib/apt)",
                    run.Span);
            }
        }
    }
}
