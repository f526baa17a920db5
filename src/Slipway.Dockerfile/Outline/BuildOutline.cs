using Slipway.Dockerfile.Expansion;
using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Outline;

public sealed record OutlineArg(string Name, string? Value, string Description, int Line);

public sealed record OutlineSecret(string Name, bool Required, int Line);

public sealed record OutlineTarget(string Name, string Description, bool IsDefault, string Base, int Line);

/// <summary>A stage the target needs: its name (or index), what it starts from, and where.</summary>
public sealed record OutlineStage(string Name, int Index, string Base, int Line);

/// <summary>What <c>--call outline</c> shows: the target, the stages it needs (dependencies first) with their bases,
/// the build ARGs it uses (with their values and the descriptions from <c># NAME description</c> comments), and
/// the secrets and ssh sockets its RUN mounts need.</summary>
public sealed record BuildOutline(string Target, string Description, IReadOnlyList<OutlineStage> Stages, IReadOnlyList<OutlineArg> Args,
    IReadOnlyList<OutlineSecret> Secrets, IReadOnlyList<OutlineSecret> Ssh)
{
    /// <summary>Works out the outline of the graph's target, as BuildKit's outline subrequest does.</summary>
    public static BuildOutline For(StageGraph graph, IReadOnlyDictionary<string, string> buildArgs, char escapeToken = '\\')
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(buildArgs);
        var lex = new ShellLex(escapeToken == '`' ? '`' : '\\');
        var args = new Dictionary<string, OutlineArg>(StringComparer.Ordinal);
        var secrets = new Dictionary<string, OutlineSecret>(StringComparer.Ordinal);
        var ssh = new Dictionary<string, OutlineSecret>(StringComparer.Ordinal);
        var globals = graph.GlobalArgs.GroupBy(g => g.Definition.Name).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

        void UseGlobal(string name)
        {
            if (globals.TryGetValue(name, out var g) && !args.ContainsKey(name))
            {
                args[name] = new OutlineArg(name, g.Value, Comment(g.Instruction.Node.PrevComments, name), g.Instruction.Span.StartLine);
            }
        }

        foreach (var stage in graph.Required)
        {
            foreach (var word in new[] { stage.From.BaseName, stage.From.Platform })
            {
                foreach (var name in Referenced(lex, word, graph.MetaScope))
                {
                    UseGlobal(name);
                }
            }

            foreach (var instruction in stage.Instructions)
            {
                switch (instruction)
                {
                    case ArgInstruction arg:
                        foreach (var def in arg.Args)
                        {
                            if (globals.ContainsKey(def.Name) && def.Default is null)
                            {
                                UseGlobal(def.Name);
                                continue;
                            }

                            var value = buildArgs.TryGetValue(def.Name, out var given) ? given
                                : def.Default is null ? null : Expand(lex, def.Default, graph.MetaScope);
                            args.TryAdd(def.Name, new OutlineArg(def.Name, value, Comment(arg.Node.PrevComments, def.Name), arg.Span.StartLine));
                        }

                        break;
                    case RunInstruction run:
                        foreach (var mount in run.Mounts)
                        {
                            if (mount.Type == MountType.Secret && SecretId(mount) is { } id)
                            {
                                secrets.TryAdd(id, new OutlineSecret(id, mount.Required, run.Span.StartLine));
                            }
                            else if (mount.Type == MountType.Ssh)
                            {
                                var sshId = string.IsNullOrEmpty(mount.Id) ? "default" : mount.Id;
                                ssh.TryAdd(sshId, new OutlineSecret(sshId, mount.Required, run.Span.StartLine));
                            }
                        }

                        break;
                }
            }
        }

        var target = graph.Target;
        var stages = graph.Required.Select(s => new OutlineStage(s.DisplayName, s.Index, s.BaseName, s.From.Span.StartLine)).ToList();
        return new BuildOutline(target.Name ?? "", Comment(target.Comments, target.Name), stages,
            [.. args.Values.OrderBy(a => a.Line)], [.. secrets.Values.OrderBy(s => s.Line)], [.. ssh.Values.OrderBy(s => s.Line)]);
    }

    /// <summary>What <c>--call targets</c> shows: every named stage with its description.</summary>
    public static IReadOnlyList<OutlineTarget> Targets(StageGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var last = graph.Stages[^1];
        return [.. graph.Stages.Where(s => s.Name is not null || s == last).Select(s => new OutlineTarget(
            s.Name ?? "", Comment(s.Comments, s.Name), s == last, s.BaseName, s.From.Span.StartLine))];
    }

    /// <summary>BuildKit's rule: the description is the comment line that starts with the name and a space.</summary>
    private static string Comment(IReadOnlyList<string> comments, string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "";
        }

        foreach (var line in comments)
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                return line[(name.Length + 1)..];
            }
        }

        return "";
    }

    private static string? SecretId(RunMount mount)
    {
        if (!string.IsNullOrEmpty(mount.Source))
        {
            return mount.Source;
        }

        if (!string.IsNullOrEmpty(mount.Id))
        {
            return mount.Id;
        }

        return string.IsNullOrEmpty(mount.Target) ? null : mount.Target.TrimEnd('/').Split('/')[^1];
    }

    private static IEnumerable<string> Referenced(ShellLex lex, string? word, IReadOnlyDictionary<string, string> scope)
    {
        if (word is null)
        {
            return [];
        }

        try
        {
            var result = lex.ProcessWord(word, n => scope.TryGetValue(n, out var v) ? v : null);
            return result.Matched.Concat(result.Unmatched);
        }
        catch (ExpansionException)
        {
            return [];
        }
    }

    private static string? Expand(ShellLex lex, string word, IReadOnlyDictionary<string, string> scope)
    {
        try
        {
            return lex.ProcessWord(word, n => scope.TryGetValue(n, out var v) ? v : null).Word;
        }
        catch (ExpansionException)
        {
            return word;
        }
    }
}
