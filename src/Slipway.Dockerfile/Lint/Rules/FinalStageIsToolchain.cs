using Slipway.Dockerfile.Instructions;
using Slipway.Oci;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class FinalStageIsToolchain
{
    public static LintRule Rule { get; } = LintRule.Slipway(nameof(FinalStageIsToolchain),
        "The final stage should not be a toolchain image or install compilers: build in an earlier stage and copy the result", Check);

    private static void Check(LintContext c, LintRule rule)
    {
        if (c.Target is not { } target)
        {
            return;
        }

        var lineage = c.Lineage(target).ToList();
        var root = lineage[^1];
        if (root.BaseStage is null && !root.IsScratch && IsToolchain(root.From.BaseName))
        {
            c.Report(rule, $"The final stage is based on the toolchain image '{root.From.BaseName}': build in an earlier stage and copy the result into a runtime image",
                target.From.Span);
        }

        foreach (var stage in lineage)
        {
            foreach (var run in stage.Body.OfType<RunInstruction>())
            {
                var compilers = Toolchains.InstalledPackages(SlipwayRule.Script(run)).Where(Toolchains.CompilerPackages.Contains).Distinct().ToList();
                if (compilers.Count > 0)
                {
                    c.Report(rule, $"The final stage installs the compiler {string.Join(", ", compilers)}: build in an earlier stage and copy the result into a runtime image",
                        run.Span);
                }
            }
        }
    }

    internal static bool IsToolchain(string baseName)
    {
        if (baseName.Contains('$', StringComparison.Ordinal) || !ImageReference.TryParseNormalized(baseName, out var reference, out _))
        {
            return false;
        }

        var repository = reference.FamiliarName;
        return Toolchains.Images.Any(t => t.Repository == repository && (t.Tag is null || t.Tag.IsMatch(reference.Tag ?? "")));
    }
}
