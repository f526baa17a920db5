using System.Globalization;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Expansion;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Instructions;

/// <summary>The result of <see cref="StageGraph.Build"/>: a graph, or the mistakes that prevent one.</summary>
public sealed record StageGraphResult(StageGraph? Graph, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => Graph is not null && Diagnostics.Count == 0;
}

/// <summary>Stages, their dependencies (base stage, <c>COPY --from</c>, <c>RUN --mount=from=</c>), the global ARGs,
/// and the stages a target needs. Mirrors what BuildKit's dockerfile2llb works out before it builds anything.</summary>
public sealed class StageGraph
{
    private StageGraph(IReadOnlyList<GlobalArg> globalArgs, IReadOnlyList<Stage> stages, Stage target,
        IReadOnlyList<Stage> required, IReadOnlyDictionary<string, string> metaScope)
    {
        GlobalArgs = globalArgs;
        Stages = stages;
        Target = target;
        Required = required;
        MetaScope = metaScope;
    }

    public IReadOnlyList<GlobalArg> GlobalArgs { get; }

    public IReadOnlyList<Stage> Stages { get; }

    public Stage Target { get; }

    /// <summary>The stages the target needs, dependencies first, the target last; the others are pruned.</summary>
    public IReadOnlyList<Stage> Required { get; }

    /// <summary>The variables FROM lines see: the automatic platform ARGs and the global ARGs.</summary>
    public IReadOnlyDictionary<string, string> MetaScope { get; }

    /// <summary>A stage by name (case-insensitive) or by index.</summary>
    public Stage? Find(string nameOrIndex) => Find(Stages, nameOrIndex);

    public static StageGraphResult Build(InstructionList list, StageGraphOptions? options = null, char escapeToken = '\\')
    {
        ArgumentNullException.ThrowIfNull(list);
        options ??= new StageGraphOptions();
        var diagnostics = new List<Diagnostic>(list.Diagnostics);
        var lex = new ShellLex(escapeToken == '`' ? '`' : '\\');

        var (globals, stageParts, strays) = list.SplitStages();
        diagnostics.AddRange(strays.Select(s => Diagnostic.Error(DiagnosticIds.Stage, "no build stage in current context", s.Span)));

        if (stageParts.Count == 0)
        {
            if (diagnostics.Count == 0)
            {
                var span = list.Instructions.Count > 0 ? list.Instructions[0].Span : new SourceSpan("Dockerfile", 1, 1, 1, 1);
                diagnostics.Add(Diagnostic.Error(DiagnosticIds.Stage, "no build stage in current context", span));
            }

            return new StageGraphResult(null, diagnostics);
        }

        // The global scope: automatic platform ARGs, then global ARGs (build-args win over defaults).
        var scope = PlatformArgs.For(options.BuildPlatform, options.TargetPlatform ?? options.BuildPlatform);
        var globalArgs = new List<GlobalArg>();
        foreach (var arg in globals)
        {
            foreach (var def in arg.Args)
            {
                string? value;
                if (options.BuildArgs.TryGetValue(def.Name, out var given))
                {
                    value = given;
                }
                else if (def.Default is not null)
                {
                    value = Expand(lex, def.Default, scope, arg.Span, diagnostics);
                }
                else
                {
                    value = scope.GetValueOrDefault(def.Name);
                }

                if (value is not null)
                {
                    scope[def.Name] = value;
                }

                globalArgs.Add(new GlobalArg(def, value, arg));
            }
        }

        var platformValues = PlatformArgs.For(options.BuildPlatform, options.TargetPlatform ?? options.BuildPlatform);
        var stages = BuildStages(stageParts, scope, lex, diagnostics,
            body => StageArgs(body, options.BuildArgs, globalArgs, platformValues, lex, diagnostics), options.ReplacesStage);
        if (diagnostics.Count > 0)
        {
            return new StageGraphResult(null, diagnostics);
        }

        var target = options.Target is null ? stages[^1] : Find(stages, options.Target);
        if (target is null)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticIds.UnknownTarget,
                $"target stage \"{options.Target}\" could not be found", stages[^1].From.Span));
            return new StageGraphResult(null, diagnostics);
        }

        var required = Order(stages, target, diagnostics);
        return diagnostics.Count > 0
            ? new StageGraphResult(null, diagnostics)
            : new StageGraphResult(new StageGraph(globalArgs, stages, target, required, scope), diagnostics);
    }

    private static List<Stage> BuildStages(IReadOnlyList<(FromInstruction From, IReadOnlyList<Instruction> Body)> parts,
        Dictionary<string, string> scope, ShellLex lex, List<Diagnostic> diagnostics,
        Func<IReadOnlyList<Instruction>, List<StageArg>> argsOf, Func<string, bool>? replaces)
    {
        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < parts.Count; i++)
        {
            var name = parts[i].From.StageName;
            if (name is not null && !names.TryAdd(name, i))
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticIds.DuplicateStage,
                    $"duplicate stage name \"{name}\"", parts[i].From.Span));
            }
        }

        var stages = new List<Stage>();
        for (var i = 0; i < parts.Count; i++)
        {
            var (from, body) = parts[i];
            var baseName = Expand(lex, from.BaseName, scope, from.Span, diagnostics) ?? from.BaseName;
            if (baseName.Length == 0)
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticIds.Stage,
                    $"base name ({from.BaseName}) should not be blank", from.Span));
            }

            var platform = from.Platform is null ? null : Expand(lex, from.Platform, scope, from.Span, diagnostics);
            if (from.StageName is { } own && replaces?.Invoke(own) == true)
            {
                stages.Add(new Stage
                {
                    Index = i, Name = own, From = from, BaseName = baseName, Platform = platform, Instructions = [],
                    Args = argsOf(body), Replaced = true,
                });
                continue;
            }

            int? baseStage = null;
            if (names.TryGetValue(baseName, out var index))
            {
                if (index < i)
                {
                    baseStage = index;
                }
                else
                {
                    diagnostics.Add(Diagnostic.Error(DiagnosticIds.StageReference, index == i
                        ? $"stage \"{baseName}\" cannot use itself as its base"
                        : $"stage \"{baseName}\" is used as a base before it is defined", from.Span));
                }
            }

            var dependencies = new SortedSet<int>();
            if (baseStage is not null)
            {
                dependencies.Add(baseStage.Value);
            }

            var images = new List<string>();
            var args = argsOf(body);
            var stageScope = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var instruction in body)
            {
                // --from may use the ARGs declared above it in the stage (BuildKit expands it with the stage's args).
                foreach (var arg in args.Where(a => a.Instruction == instruction && a.Value is not null))
                {
                    stageScope[arg.Name] = arg.Value!;
                }

                foreach (var written in StageReferences(instruction))
                {
                    var reference = written.Contains('$', StringComparison.Ordinal)
                        ? Expand(lex, written, stageScope, instruction.Span, diagnostics) ?? written
                        : written;
                    Resolve(reference, i, names, parts.Count, instruction.Span, dependencies, images, diagnostics);
                }
            }

            stages.Add(new Stage
            {
                Index = i,
                Name = from.StageName,
                From = from,
                BaseName = baseName,
                BaseStage = baseStage,
                Platform = platform,
                Instructions = body,
                Dependencies = [.. dependencies],
                ExternalImages = images,
                Args = args,
            });
        }

        return stages;
    }

    private static List<StageArg> StageArgs(IReadOnlyList<Instruction> body, IReadOnlyDictionary<string, string> buildArgs,
        List<GlobalArg> globals, Dictionary<string, string> platform, ShellLex lex, List<Diagnostic> diagnostics)
    {
        var args = new List<StageArg>();
        var scope = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var arg in body.OfType<ArgInstruction>())
        {
            foreach (var def in arg.Args)
            {
                string? value;
                if (buildArgs.TryGetValue(def.Name, out var given))
                {
                    value = given;
                }
                else if (def.Default is not null)
                {
                    value = Expand(lex, def.Default, scope, arg.Span, diagnostics);
                }
                else
                {
                    value = globals.LastOrDefault(g => g.Definition.Name == def.Name)?.Value ?? platform.GetValueOrDefault(def.Name);
                }

                if (value is not null)
                {
                    scope[def.Name] = value;
                }

                args.Add(new StageArg(def.Name, value, arg));
            }
        }

        return args;
    }

    private static IEnumerable<string> StageReferences(Instruction instruction)
    {
        switch (instruction)
        {
            case CopyInstruction { From: { Length: > 0 } from }:
                yield return from;
                break;
            case RunInstruction run:
                foreach (var mount in run.Mounts)
                {
                    if (mount.From is { Length: > 0 } f)
                    {
                        yield return f;
                    }
                }

                break;
            case OnbuildInstruction:
                break;
        }
    }

    private static void Resolve(string reference, int current, Dictionary<string, int> names, int count, SourceSpan span,
        SortedSet<int> dependencies, List<string> images, List<Diagnostic> diagnostics)
    {
        if (names.TryGetValue(reference, out var byName))
        {
            if (byName == current)
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticIds.StageReference,
                    $"circular dependency detected on stage: {reference.ToLowerInvariant()}", span));
            }
            else
            {
                dependencies.Add(byName);
            }

            return;
        }

        if (int.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            if (index >= count)
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticIds.StageReference,
                    $"invalid stage index {index}: the Dockerfile has {count} stage(s)", span));
            }
            else if (index >= current)
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticIds.StageReference,
                    $"stage index {index} refers to the current or a later stage", span));
            }
            else
            {
                dependencies.Add(index);
            }

            return;
        }

        images.Add(reference);
    }

    private static List<Stage> Order(List<Stage> stages, Stage target, List<Diagnostic> diagnostics)
    {
        var state = new int[stages.Count]; // 0 unvisited, 1 on stack, 2 done
        var order = new List<Stage>();
        var stack = new Stack<(int Stage, int Next)>();
        stack.Push((target.Index, 0));
        state[target.Index] = 1;
        while (stack.Count > 0)
        {
            var (s, next) = stack.Pop();
            var deps = stages[s].Dependencies;
            if (next < deps.Count)
            {
                stack.Push((s, next + 1));
                var d = deps[next];
                if (state[d] == 1)
                {
                    diagnostics.Add(Diagnostic.Error(DiagnosticIds.StageReference,
                        $"circular dependency detected on stage: {stages[d].DisplayName}", stages[s].From.Span));
                    return order;
                }

                if (state[d] == 0)
                {
                    state[d] = 1;
                    stack.Push((d, 0));
                }

                continue;
            }

            state[s] = 2;
            order.Add(stages[s]);
        }

        return order;
    }

    private static Stage? Find(IReadOnlyList<Stage> stages, string nameOrIndex)
    {
        var byName = stages.FirstOrDefault(s => string.Equals(s.Name, nameOrIndex, StringComparison.OrdinalIgnoreCase));
        if (byName is not null)
        {
            return byName;
        }

        return int.TryParse(nameOrIndex, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < stages.Count
            ? stages[i]
            : null;
    }

    private static string? Expand(ShellLex lex, string word, Dictionary<string, string> scope, SourceSpan span,
        List<Diagnostic> diagnostics)
    {
        try
        {
            return lex.ProcessWord(word, name => scope.TryGetValue(name, out var v) ? v : null).Word;
        }
        catch (ExpansionException e)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticIds.Expansion, e.Message, span));
            return null;
        }
    }
}
