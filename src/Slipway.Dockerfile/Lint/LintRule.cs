using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint;

/// <summary>One build check, as data: a stable id (BuildKit's for BuildKit's checks), a one-line description, the
/// help page, whether it runs unless asked for (BuildKit's experimental checks do not), and the check itself.</summary>
public sealed record LintRule
{
    public required string Id { get; init; }

    /// <summary>What the rule asks for, in one sentence (BuildKit's rule description for BuildKit's rules).</summary>
    public required string Description { get; init; }

    /// <summary>Where the rule is explained: BuildKit's reference page for its rules, ours otherwise.</summary>
    public required string Url { get; init; }

    /// <summary>Our own page for the rule, relative to the repository root.</summary>
    public string DocPath => $"docs/rules/{Id}.md";

    public DiagnosticSeverity Severity { get; init; } = DiagnosticSeverity.Warning;

    /// <summary>False for experimental rules: they run only when <c>experimental=</c> names them.</summary>
    public bool EnabledByDefault { get; init; } = true;

    /// <summary>True for the rules BuildKit defines (same id, same message); false for Slipway's own.</summary>
    public bool FromBuildKit { get; init; }

    public required Action<LintContext, LintRule> Check { get; init; }

    /// <summary>One of BuildKit's rules: its id and description as BuildKit words them, its page on docs.docker.com.</summary>
    internal static LintRule BuildKit(string id, string description, Action<LintContext, LintRule> check) =>
        new() { Id = id, Description = description, Url = BuildKitUrl(id), FromBuildKit = true, Check = check };

    /// <summary>One of Slipway's own rules, explained on its page under docs/rules.</summary>
    internal static LintRule Slipway(string id, string description, Action<LintContext, LintRule> check) =>
        new() { Id = id, Description = description, Url = $"docs/rules/{id}.md", Check = check };

    /// <summary>A check that judges each stage by itself: the messages for one stage, each reported at its FROM.</summary>
    internal static Action<LintContext, LintRule> EachStage(Func<LintStage, IEnumerable<string>> check) =>
        Each(c => c.Stages, stage => stage.From.Span, check);

    /// <summary>A check that judges each instruction of one kind by itself (<see cref="LintContext.Instructions{T}"/>):
    /// the messages for one instruction, each reported at it.</summary>
    internal static Action<LintContext, LintRule> EachInstruction<T>(Func<T, IEnumerable<string>> check)
        where T : Instruction => Each(c => c.Instructions<T>(), instruction => instruction.Span, check);

    private static Action<LintContext, LintRule> Each<TItem>(Func<LintContext, IEnumerable<TItem>> items, Func<TItem, SourceSpan> at,
        Func<TItem, IEnumerable<string>> check) => (c, rule) =>
    {
        foreach (var item in items(c))
        {
            foreach (var message in check(item))
            {
                c.Report(rule, message, at(item));
            }
        }
    };

    /// <summary>The reference URL BuildKit uses for its rules: docs.docker.com/go/dockerfile/rule/kebab-case/.</summary>
    private static string BuildKitUrl(string id)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < id.Length; i++)
        {
            var c = id[i];
            // JSONArgsRecommended → json-args-recommended: a capital starts a word unless it continues an acronym.
            if (char.IsUpper(c) && i > 0 && (char.IsLower(id[i - 1]) || (i + 1 < id.Length && char.IsLower(id[i + 1]))))
            {
                sb.Append('-');
            }

            sb.Append(char.ToLowerInvariant(c));
        }

        return $"https://docs.docker.com/go/dockerfile/rule/{sb}/";
    }
}
