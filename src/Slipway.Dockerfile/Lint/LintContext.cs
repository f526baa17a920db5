using System.Globalization;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Expansion;
using Slipway.Dockerfile.Instructions;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Lint;

/// <summary>What a rule reads (the parsed file split into stages, the facts about the context) and where it
/// reports. One per run; rules keep no state of their own.</summary>
public sealed class LintContext
{
    private readonly List<LintFinding> _findings = [];

    internal LintContext(DockerfileDocument document, LintFacts facts)
    {
        Document = document;
        Facts = facts;
        Lex = new ShellLex(document.Syntax.EscapeToken == '`' ? '`' : '\\');
        // Anything before the first FROM but an ARG belongs to no stage: the stage graph reports it, the checks skip it.
        var split = document.Instructions.SplitStages();
        GlobalArgs = split.GlobalArgs;
        Stages = Link(split.Stages);
        Target = FindStage(facts.Target) ?? (Stages.Count > 0 ? Stages[^1] : null);
        Reachable = Target is null ? new HashSet<int>() : Closure(Target.Index);
    }

    public DockerfileDocument Document { get; }

    public ParseResult Syntax => Document.Syntax;

    public LintFacts Facts { get; }

    public ShellLex Lex { get; }

    /// <summary>ARG instructions before the first FROM.</summary>
    public IReadOnlyList<ArgInstruction> GlobalArgs { get; }

    public IReadOnlyList<LintStage> Stages { get; }

    /// <summary>The stage being built: <see cref="LintFacts.Target"/>, else the last stage.</summary>
    public LintStage? Target { get; }

    /// <summary>Indexes of the stages the target needs, the target included.</summary>
    public IReadOnlySet<int> Reachable { get; }

    internal IReadOnlyList<LintFinding> Findings => _findings;

    /// <summary>The file's instructions of one kind, in file order, the ARGs before the first FROM included.</summary>
    public IEnumerable<T> Instructions<T>()
        where T : Instruction => Document.Instructions.Instructions.OfType<T>();

    /// <summary>The instructions of one kind in the stages' bodies, in file order.</summary>
    public IEnumerable<T> StageInstructions<T>()
        where T : Instruction => Stages.SelectMany(s => s.Body).OfType<T>();

    public void Report(LintRule rule, string message, SourceSpan span) => _findings.Add(new LintFinding(rule, message, span));

    /// <summary>A stage by name (case-insensitive) or index, among all stages.</summary>
    public LintStage? FindStage(string? nameOrIndex)
    {
        if (nameOrIndex is null)
        {
            return null;
        }

        return Stages.FirstOrDefault(s => string.Equals(s.Name, nameOrIndex, StringComparison.OrdinalIgnoreCase))
            ?? (int.TryParse(nameOrIndex, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < Stages.Count ? Stages[i] : null);
    }

    /// <summary>The stage and the stages it builds on, nearest first (<c>FROM base AS final</c> → final, base).</summary>
    public IEnumerable<LintStage> Lineage(LintStage stage)
    {
        for (LintStage? s = stage; s is not null; s = s.BaseStage is { } b ? Stages[b] : null)
        {
            yield return s;
        }
    }

    /// <summary>Expands a word, telling which names were set and which were not; null when it does not expand.</summary>
    public ExpansionResult? Expand(string word, Func<string, string?> lookup)
    {
        try
        {
            return Lex.ProcessWord(word, lookup);
        }
        catch (ExpansionException)
        {
            return null;
        }
    }

    private static List<LintStage> Link(IReadOnlyList<(FromInstruction From, IReadOnlyList<Instruction> Body)> parts)
    {
        var stages = new List<LintStage>();
        for (var i = 0; i < parts.Count; i++)
        {
            var (from, body) = parts[i];
            var dependencies = new HashSet<int>();
            int? baseStage = EarlierStage(parts, i, from.BaseName);
            if (baseStage is { } b)
            {
                dependencies.Add(b);
            }

            foreach (var instruction in body)
            {
                var references = instruction switch
                {
                    CopyInstruction { From: { Length: > 0 } f } => [f],
                    RunInstruction run => run.Mounts.Select(m => m.From).OfType<string>().Where(f => f.Length > 0).ToList(),
                    _ => (IReadOnlyList<string>)[],
                };
                foreach (var reference in references)
                {
                    if (EarlierStage(parts, i, reference) is { } d)
                    {
                        dependencies.Add(d);
                    }
                }
            }

            stages.Add(new LintStage(i, from, body) { BaseStage = baseStage, Dependencies = dependencies });
        }

        return stages;
    }

    private static int? EarlierStage(IReadOnlyList<(FromInstruction From, IReadOnlyList<Instruction> Body)> parts, int current, string reference)
    {
        for (var j = current - 1; j >= 0; j--)
        {
            if (string.Equals(parts[j].From.StageName, reference, StringComparison.OrdinalIgnoreCase))
            {
                return j;
            }
        }

        return int.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < current ? index : null;
    }

    /// <summary>The stage at <paramref name="start"/> and every stage it needs, transitively.</summary>
    public IReadOnlySet<int> Closure(int start)
    {
        var seen = new HashSet<int>();
        var stack = new Stack<int>([start]);
        while (stack.Count > 0)
        {
            var s = stack.Pop();
            if (seen.Add(s))
            {
                foreach (var d in Stages[s].Dependencies)
                {
                    stack.Push(d);
                }
            }
        }

        return seen;
    }
}
