using Slipway.Dockerfile.Lint.Rules;

namespace Slipway.Dockerfile.Lint;

/// <summary>The result of a check run.</summary>
/// <param name="Findings">What fired, in file order.</param>
/// <param name="Config">The configuration in force (directive or build arg).</param>
/// <param name="ConfigError">A malformed <c># check=</c> or <c>BUILDKIT_DOCKERFILE_CHECK</c>; nothing ran.</param>
public sealed record LintReport(IReadOnlyList<LintFinding> Findings, CheckConfig Config, string? ConfigError = null)
{
    /// <summary>The build must fail: a finding under <c>error=true</c>, or a malformed configuration.</summary>
    public bool Failed => ConfigError is not null || (Config.Error && Findings.Count > 0);

    /// <summary>BuildKit's error when <c>error=true</c> and checks fired.</summary>
    public string FailureMessage => ConfigError ?? $"lint violation found for rules: {string.Join(", ", Findings.Select(f => f.RuleId).Distinct())}";
}

/// <summary>Runs the checks over a parsed Dockerfile. The engine only runs the list; each rule is one file in
/// <c>Lint/Rules</c>.</summary>
public static class Linter
{
    public static IReadOnlyList<LintRule> Rules => RuleSet.All;

    public static LintRule? Find(string id) => RuleSet.All.FirstOrDefault(r => r.Id == id);

    public static LintReport Run(DockerfileDocument document, LintFacts? facts = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        facts ??= LintFacts.None;
        var config = Configure(document, facts, out var configError);
        if (config is null)
        {
            return new LintReport([], CheckConfig.Default, configError);
        }

        var context = new LintContext(document, facts);
        foreach (var rule in RuleSet.All.Where(config.Runs))
        {
            rule.Check(context, rule);
        }

        var findings = context.Findings
            .OrderBy(f => f.Span.StartLine).ThenBy(f => f.Span.StartColumn)
            .ToList();
        return new LintReport(findings, config);
    }

    /// <summary>The build arg wins over the directive, as in BuildKit.</summary>
    private static CheckConfig? Configure(DockerfileDocument document, LintFacts facts, out string? error)
    {
        error = null;
        var text = facts.BuildArgs.TryGetValue(CheckConfig.BuildArgName, out var fromArg)
            ? fromArg
            : document.Syntax.Directives.FirstOrDefault(d => d.Name == "check")?.Value;
        return text is null ? CheckConfig.Default : CheckConfig.Parse(text, out error);
    }
}
