using System.Text;

namespace Slipway.Cli.Templates;

/// <summary>How a template treats the data docker would hand it as a Go value.</summary>
internal sealed record TemplateOptions
{
    /// <summary><c>missingkey=error</c>, as docker's inspect runs a template over the raw JSON: a missing key fails
    /// instead of printing <c>&lt;no value&gt;</c>.</summary>
    public bool MissingKeyError { get; init; }

    /// <summary>The root is a Go struct of this type (<c>*formatter.imageContext</c>): an unknown field fails as Go
    /// says it, <c>can't evaluate field X in type T</c>.</summary>
    public string? RootTypeName { get; init; }

    /// <summary>Fields of docker's typed struct, by name: where the JSON has null or nothing, the template sees the
    /// zero value of the field's type (<c>Entrypoint</c> prints <c>[]</c>, <c>User</c> nothing), as docker's template
    /// over its struct does.</summary>
    public IReadOnlyDictionary<string, NilKind>? TypedFields { get; init; }

    /// <summary>Fields of docker's typed struct that are structs themselves, by name, with their Go field order
    /// (<see cref="GoStruct"/>): they print as Go prints a struct, <c>{…}</c>, not as a map.</summary>
    public IReadOnlyDictionary<string, string>? Structs { get; init; }

    public IReadOnlyDictionary<string, TemplateFunction> Functions { get; init; } = TemplateFunctions.Basic;

    /// <summary>Methods of the root value, called with arguments as docker's row contexts have them
    /// (<c>{{.Label "com.example.tier"}}</c>).</summary>
    public IReadOnlyDictionary<string, TemplateFunction>? Methods { get; init; }
}

/// <summary>Runs a parsed template over a value as Go's text/template/exec does: fields of maps, pipelines whose value
/// becomes the last argument of the next command, variables scoped to their block, <c>and</c>/<c>or</c> evaluated
/// lazily, <c>range</c> over lists and maps (keys sorted) with <c>break</c>/<c>continue</c>.</summary>
internal sealed partial class TemplateExecutor(string text, TemplateOptions options, object? root)
{
    private enum Control
    {
        Normal,
        Break,
        Continue,
    }

    private readonly StringBuilder _out = new();
    private readonly List<(string Name, object? Value)> _vars = [("$", root)];
    private TemplateNode? _node;

    public string Run(ListNode tree)
    {
        Walk(root, tree);
        return _out.ToString();
    }

    private Control Walk(object? dot, TemplateNode node)
    {
        _node = node;
        switch (node)
        {
            case TextNode t:
                _out.Append(t.Value);
                return Control.Normal;
            case ActionNode a:
                var value = EvalPipeline(dot, a.Pipe);
                if (a.Pipe.Decl.Count == 0)
                {
                    _node = a;
                    _out.Append(TemplateValues.Print(value));
                }

                return Control.Normal;
            case ListNode list:
                foreach (var child in list.Nodes)
                {
                    if (Walk(dot, child) is var control and not Control.Normal)
                    {
                        return control;
                    }
                }

                return Control.Normal;
            case BranchNode { Kind: BranchKind.Range } range:
                return WalkRange(dot, range);
            case BranchNode branch:
                var mark = _vars.Count;
                try
                {
                    var test = EvalPipeline(dot, branch.Pipe);
                    if (TemplateValues.IsTrue(test))
                    {
                        return Walk(branch.Kind == BranchKind.With ? test : dot, branch.List);
                    }

                    return branch.Else is null ? Control.Normal : Walk(dot, branch.Else);
                }
                finally
                {
                    Pop(mark);
                }

            case BreakNode:
                return Control.Break;
            case ContinueNode:
                return Control.Continue;
            default:
                throw Error($"unknown node: {node.Text}");
        }
    }

    private Control WalkRange(object? dot, BranchNode range)
    {
        var mark = _vars.Count;
        try
        {
            var value = EvalPipeline(dot, range.Pipe);
            var inner = _vars.Count;
            var items = Items(value) ?? throw Error($"range can't iterate over {TemplateValues.Print(value)}");
            foreach (var (key, item) in items)
            {
                if (range.Pipe.Decl.Count > 0)
                {
                    _vars[^1] = (_vars[^1].Name, item);
                }

                if (range.Pipe.Decl.Count > 1)
                {
                    _vars[^2] = (_vars[^2].Name, key);
                }

                var control = Walk(item, range.List);
                Pop(inner);
                if (control == Control.Break)
                {
                    break;
                }
            }

            if (items.Count == 0 && range.Else is not null)
            {
                return Walk(dot, range.Else);
            }

            return Control.Normal;
        }
        finally
        {
            Pop(mark);
        }
    }

    /// <summary>What <c>range</c> visits: a map's keys in order, a list's indexes, 0…n-1 of an int (Go 1.22); nothing
    /// for no value; null when the value cannot be ranged over.</summary>
    private static List<(object? Key, object? Value)>? Items(object? value)
    {
        if (TemplateValues.AsMap(value) is { } map)
        {
            return [.. map.Select(p => ((object?)p.Key, p.Value))];
        }

        if (TemplateValues.AsList(value) is { } list)
        {
            return [.. list.Select((v, i) => ((object?)(long)i, v))];
        }

        return value switch
        {
            null or Missing => [],
            long n => [.. Enumerable.Range(0, (int)Math.Max(0, n)).Select(i => ((object?)(long)i, (object?)(long)i))],
            _ => null,
        };
    }

    private void Pop(int mark) => _vars.RemoveRange(mark, _vars.Count - mark);

    private object? EvalPipeline(object? dot, PipeNode pipe)
    {
        _node = pipe;
        object? value = Missing.Value;
        var hasFinal = false;
        foreach (var cmd in pipe.Cmds)
        {
            value = EvalCommand(dot, cmd, value, hasFinal);
            hasFinal = true;
            // Go digs an interface{} down to what it holds: a nil interface becomes no value at all.
            value ??= Missing.Value;
        }

        if (pipe.Decl.Count == 1 && pipe.IsAssign)
        {
            var i = _vars.FindLastIndex(v => v.Name == pipe.Decl[0]);
            _vars[i] = (pipe.Decl[0], value);
        }
        else
        {
            // A range's variables are set per item.
            foreach (var name in pipe.Decl)
            {
                _vars.Add((name, value));
            }
        }

        return value;
    }

    private object? EvalCommand(object? dot, CommandNode cmd, object? final, bool hasFinal)
    {
        var first = cmd.Args[0];
        switch (first)
        {
            case FieldNode field:
                _node = field;
                return EvalFieldChain(dot, dot, field, field.Ident, cmd.Args, final, hasFinal);
            case ChainNode chain:
                _node = chain;
                var receiver = EvalArg(dot, Param.Value, chain.Node);
                _node = chain;
                return EvalFieldChain(dot, receiver, chain, chain.Field, cmd.Args, final, hasFinal);
            case IdentifierNode identifier:
                return EvalFunction(dot, identifier, cmd, cmd.Args, final, hasFinal);
            case VariableNode variable:
                return EvalVariable(dot, variable, cmd.Args, final, hasFinal);
            case PipeNode pipe:
                NotAFunction(cmd.Args, hasFinal);
                return EvalPipeline(dot, pipe);
        }

        _node = first;
        NotAFunction(cmd.Args, hasFinal);
        return first switch
        {
            BoolNode b => b.Value,
            DotNode => dot,
            NilNode => throw Error("nil is not a command"),
            NumberNode n => n.Int is { } i ? (object)i : n.Float,
            StringNode s => s.Value,
            _ => throw Error($"can't evaluate command \"{first.Text}\""),
        };
    }

    private void NotAFunction(IReadOnlyList<TemplateNode> args, bool hasFinal)
    {
        if (args.Count > 1 || hasFinal)
        {
            throw Error($"can't give argument to non-function {args[0].Text}");
        }
    }

    private object? EvalVariable(object? dot, VariableNode variable, IReadOnlyList<TemplateNode>? args, object? final, bool hasFinal)
    {
        _node = variable;
        var index = _vars.FindLastIndex(v => v.Name == variable.Ident[0]);
        if (index < 0)
        {
            throw Error($"undefined variable: {variable.Ident[0]}");
        }

        var value = _vars[index].Value;
        if (variable.Ident.Count == 1)
        {
            NotAFunction(args ?? [variable], hasFinal);
            return value;
        }

        return EvalFieldChain(dot, value, variable, variable.Ident.Skip(1).ToList(), args, final, hasFinal);
    }

    private object? EvalFieldChain(object? dot, object? receiver, TemplateNode node, IReadOnlyList<string> ident,
        IReadOnlyList<TemplateNode>? args, object? final, bool hasFinal)
    {
        if (ident.Count == 1 && options.Methods?.TryGetValue(ident[0], out var method) == true &&
            (ReferenceEquals(receiver, root) || Equals(receiver, root)))
        {
            return EvalMethod(dot, ident[0], method, args, final, hasFinal);
        }

        for (var i = 0; i < ident.Count - 1; i++)
        {
            receiver = EvalField(ident[i], node, null, false, receiver);
        }

        return EvalField(ident[^1], node, args, hasFinal, receiver);
    }

    private object? EvalField(string name, TemplateNode node, IReadOnlyList<TemplateNode>? args, bool hasFinal, object? receiver)
    {
        _node = node;
        if (receiver is Missing)
        {
            return options.MissingKeyError ? throw Error($"nil data; no entry for key \"{name}\"") : Missing.Value;
        }

        if (receiver is null)
        {
            throw Error($"nil pointer evaluating interface {{}}.{name}");
        }

        var isRoot = ReferenceEquals(receiver, root) || Equals(receiver, root);
        if (TemplateValues.IsMap(receiver))
        {
            if ((args?.Count ?? 0) > 1 || hasFinal)
            {
                throw Error($"{name} is not a method but has arguments");
            }

            var entries = TemplateValues.AsMap(receiver)!;
            foreach (var (key, value) in entries)
            {
                if (key == name)
                {
                    return value is null && options.TypedFields?.TryGetValue(name, out var kind) == true ? TypedNil.Zero(kind) : GoStruct.Wrap(name, value, options);
                }
            }

            if (options.TypedFields?.TryGetValue(name, out var missing) == true)
            {
                return TypedNil.Zero(missing);
            }

            if (isRoot && options.RootTypeName is { } type)
            {
                throw Error($"can't evaluate field {name} in type {type}");
            }

            return options.MissingKeyError ? throw Error($"map has no entry for key \"{name}\"") : Missing.Value;
        }

        throw Error($"can't evaluate field {name} in type {TemplateValues.TypeName(receiver)}");
    }

    private TemplateException Error(string message)
    {
        if (_node is null)
        {
            return new TemplateException($"template: : {message}", whileParsing: false);
        }

        var pos = Math.Min(_node.Pos, text.Length);
        var before = text[..pos];
        var newline = before.LastIndexOf('\n');
        var line = 1 + before.Count(c => c == '\n');
        var column = newline < 0 ? pos : pos - newline - 1;
        var context = _node.Text.Length > 20 ? _node.Text[..20] + "..." : _node.Text;
        return new TemplateException($"template: :{line}:{column}: executing \"\" at <{context}>: {message}", whileParsing: false);
    }
}
