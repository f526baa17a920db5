using Slipway.Oci;

namespace Slipway.Dockerfile.Lint.Rules;

/// <summary>BuildKit's InvalidBaseImagePlatform: a base image whose platform (OS or architecture) is not the one the
/// stage is built for. The platform of a base is known once it is resolved, so the build runs <see cref="Message"/>
/// from its FROM step; a check run is told the platforms through <see cref="LintFacts.BasePlatforms"/>.</summary>
public static class InvalidBaseImagePlatform
{
    public static LintRule Rule { get; } =
        LintRule.BuildKit(nameof(InvalidBaseImagePlatform), "Base image platform does not match expected target platform", Check);

    /// <summary>BuildKit's message when <paramref name="actual"/> differs from <paramref name="expected"/> in OS or
    /// architecture (a variant alone does not count), else null.</summary>
    public static string? Message(string image, Platform expected, Platform actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var (want, got) = (expected.Normalize(), actual.Normalize());
        if (want.Os == got.Os && want.Architecture == got.Architecture)
        {
            return null;
        }

        return $"Base image {image} was pulled with platform \"{got}\", expected \"{want}\" for current build";
    }

    private static void Check(LintContext c, LintRule rule)
    {
        if (c.Facts.TargetPlatform is not { } target)
        {
            return;
        }

        foreach (var stage in c.Stages.Where(s => c.Reachable.Contains(s.Index) && s.BaseStage is null && !s.IsScratch))
        {
            var expected = stage.From.Platform is { } written && !written.Contains('$', StringComparison.Ordinal) && Platform.TryParse(written, out var p, out _)
                ? p : target;
            if (c.Facts.BasePlatforms.TryGetValue(stage.From.BaseName, out var actual) && Message(stage.From.BaseName, expected, actual) is { } message)
            {
                c.Report(rule, message, stage.From.Span);
            }
        }
    }
}
