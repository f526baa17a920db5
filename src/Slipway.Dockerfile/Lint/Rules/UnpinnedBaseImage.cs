using Slipway.Oci;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class UnpinnedBaseImage
{
    public static LintRule Rule { get; } = LintRule.Slipway(nameof(UnpinnedBaseImage),
        "Base images should name a version tag or a digest, not latest", LintRule.EachStage(Check));

    private static IEnumerable<string> Check(LintStage stage)
    {
        var name = stage.From.BaseName;
        if (stage.BaseStage is not null || stage.IsScratch || name.Contains('$', StringComparison.Ordinal) ||
            !ImageReference.TryParseNormalized(name, out var reference, out _) || reference.Digest is not null)
        {
            return [];
        }

        return reference.Tag switch
        {
            null => [$"Base image '{name}' has no tag and means whatever latest is on the day of the build: name a version tag or a digest"],
            "latest" => [$"Base image '{name}' uses the latest tag, which moves: name a version tag or a digest"],
            _ => [],
        };
    }
}
