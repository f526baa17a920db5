using System.Text.RegularExpressions;
using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static partial class CopyContextBeforeDependencyInstall
{
    public static LintRule Rule { get; } = LintRule.Slipway(nameof(CopyContextBeforeDependencyInstall),
        "Copy the dependency manifests and install dependencies before copying the whole context", Check);

    [GeneratedRegex(@"\b(?:npm\s+(?:ci|install|i)\b|yarn(?:\s+install)?\s*(?:$|&&|;|--)|pnpm\s+(?:install|i)\b|pip3?\s+install\s+(?:.*\s)?-r\b|poetry\s+install\b|pipenv\s+install\b|uv\s+sync\b|go\s+mod\s+download\b|bundle\s+install\b|composer\s+install\b|cargo\s+fetch\b|dotnet\s+restore\b|mvn\s+(?:\S+\s+)*dependency:go-offline\b|(?:apt-get|apt)\s+(?:-\S+\s+)*install\b|apk\s+(?:-\S+\s+)*add\b)",
        RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex DependencyInstall();

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var stage in c.Stages)
        {
            CopyInstruction? wholeContext = null;
            foreach (var instruction in stage.Body)
            {
                if (wholeContext is null && instruction is CopyInstruction { From: null or "" } copy && copy.Sources.SourcePaths.Any(IsWholeContext))
                {
                    wholeContext = copy;
                }
                else if (wholeContext is not null && instruction is RunInstruction run && DependencyInstall().Match(SlipwayRule.Script(run)) is { Success: true } m)
                {
                    c.Report(rule, $"COPY of the whole context comes before '{m.Value.Trim()}' on line {run.Span.StartLine}: copy the dependency manifests first and install, so a source edit keeps the install cached",
                        wholeContext.Span);
                    break;
                }
            }
        }
    }

    private static bool IsWholeContext(string source) => source.TrimEnd('/') is "." or "" or "./" or "*" or "./*";
}
