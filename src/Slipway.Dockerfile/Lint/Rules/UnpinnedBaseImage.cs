using Slipway.Oci;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class UnpinnedBaseImage
{
    public static LintRule Rule { get; } = new()
    {
        Id = nameof(UnpinnedBaseImage),
        Description = "Base images should name a version tag or a digest, not latest",
        Url = SlipwayRule.Url(nameof(UnpinnedBaseImage)),
        Check = Check,
    };

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var stage in c.Stages)
        {
            var name = stage.From.BaseName;
            if (stage.BaseStage is not null || stage.IsScratch || name.Contains('$', StringComparison.Ordinal) ||
                !ImageReference.TryParseNormalized(name, out var reference, out _) || reference.Digest is not null)
            {
                continue;
            }

            if (reference.Tag is null)
            {
                c.Report(rule, $"Base image '{name}' has no tag and means whatever latest is on the day of the build: name a version tag or a digest",
                    stage.From.Span);
            }
            else if (reference.Tag == "latest")
            {
                c.Report(rule, $"Base image '{name}' uses the latest tag, which moves: name a version tag or a digest", stage.From.Span);
            }
        }
    }
}
