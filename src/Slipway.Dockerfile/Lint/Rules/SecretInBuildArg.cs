using System.Text.RegularExpressions;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static partial class SecretInBuildArg
{
    public static LintRule Rule { get; } = LintRule.Slipway(nameof(SecretInBuildArg),
        "Secrets should be passed with --secret, not --build-arg", Check);

    /// <summary>Well-known token shapes: GitHub, GitLab, Slack, AWS access keys, npm, OpenAI-style keys, PEM keys.</summary>
    [GeneratedRegex(@"^(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|glpat-[\w-]{20,}|xox[abprs]-[\w-]{10,}|AKIA[0-9A-Z]{16}|npm_[A-Za-z0-9]{30,}|sk-[\w-]{20,})$|-----BEGIN [A-Z ]*PRIVATE KEY-----",
        RegexOptions.CultureInvariant)]
    private static partial Regex TokenValue();

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var (name, value) in c.Facts.BuildArgs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (name.StartsWith("BUILDKIT_", StringComparison.Ordinal) || value.Length == 0 ||
                !(SecretsUsedInArgOrEnv.LooksSecret(name) || TokenValue().IsMatch(value)))
            {
                continue;
            }

            // Point at the ARG that receives it; the value itself is never printed.
            var declaration = c.Instructions<ArgInstruction>().FirstOrDefault(a => a.Args.Any(d => d.Name == name));
            var span = declaration?.Span ?? (c.Stages.Count > 0 ? c.Stages[0].From.Span : SourceSpan.Line(c.Syntax.File, 1));
            c.Report(rule, $"--build-arg {name} looks like a secret: build args are kept in the image history; pass it with --secret id={name} and RUN --mount=type=secret,id={name}",
                span);
        }
    }
}
