using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class MultipleInstructionsDisallowed
{
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(MultipleInstructionsDisallowed),
        "Multiple instructions of the same type should not be used in the same stage", Check);

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var stage in c.Stages)
        {
            foreach (var group in stage.Body
                .Where(i => i is CmdInstruction or EntrypointInstruction or HealthcheckInstruction)
                .GroupBy(i => i.Node.Name))
            {
                // Every one but the last is dead.
                foreach (var instruction in group.SkipLast(1))
                {
                    c.Report(rule, $"Multiple {group.Key.ToUpperInvariant()} instructions should not be used in the same stage because only the last one will be used",
                        instruction.Span);
                }
            }
        }
    }
}
