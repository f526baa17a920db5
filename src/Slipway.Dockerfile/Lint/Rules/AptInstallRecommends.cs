using System.Text.RegularExpressions;
using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static partial class AptInstallRecommends
{
    public static LintRule Rule { get; } = LintRule.Slipway(nameof(AptInstallRecommends), "apt-get install should use --no-install-recommends", Check);

    [GeneratedRegex(@"\bapt(?:-get)?\s+(?:-\S+\s+)*install\b[^;&|]*", RegexOptions.CultureInvariant)]
    internal static partial Regex AptInstall();

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var run in c.StageInstructions<RunInstruction>())
        {
            var script = SlipwayRule.Script(run);
            foreach (Match m in AptInstall().Matches(script))
            {
                if (!m.Value.Contains("--no-install-recommends", StringComparison.Ordinal) &&
                    !m.Value.Contains("APT::Install-Recommends=false", StringComparison.Ordinal))
                {
                    c.Report(rule, "apt-get install without --no-install-recommends installs recommended packages the image does not need",
                        run.Span);
                    break;
                }
            }
        }
    }
}
