namespace Slipway.Cli.Templates;

/// <summary>Function calls and their arguments, checked against each parameter as Go's <c>evalCall</c> and
/// <c>evalArg</c> check them.</summary>
internal sealed partial class TemplateExecutor
{
    private object? EvalFunction(object? dot, IdentifierNode node, CommandNode cmd, IReadOnlyList<TemplateNode> args, object? final, bool hasFinal)
    {
        _node = node;
        var name = node.Text;
        var argNodes = args.Skip(1).ToList();
        if (name is "and" or "or")
        {
            var count = argNodes.Count + (hasFinal ? 1 : 0);
            if (count < 1)
            {
                throw Error($"wrong number of args for {name}: want at least 1 got 0");
            }

            object? value = null;
            for (var i = 0; i < count; i++)
            {
                value = i < argNodes.Count ? EvalArg(dot, Param.Value, argNodes[i]) : final;
                if (TemplateValues.IsTrue(value) == (name == "or"))
                {
                    return value;
                }
            }

            return value;
        }

        if (!options.Functions.TryGetValue(name, out var function))
        {
            throw Error($"\"{name}\" is not a defined function");
        }

        var numIn = argNodes.Count + (hasFinal ? 1 : 0);
        if (function.Variadic is null ? numIn != function.Params.Count : numIn < function.Params.Count)
        {
            throw Error(function.Variadic is null
                ? $"wrong number of args for {name}: want {function.Params.Count} got {numIn}"
                : $"wrong number of args for {name}: want at least {function.Params.Count} got {argNodes.Count}");
        }

        var values = new List<object?>(numIn);
        for (var i = 0; i < argNodes.Count; i++)
        {
            values.Add(EvalArg(dot, i < function.Params.Count ? function.Params[i] : function.Variadic!.Value, argNodes[i]));
        }

        if (hasFinal)
        {
            _node = cmd;
            values.Add(Validate(final, values.Count < function.Params.Count ? function.Params[values.Count] : function.Variadic!.Value));
        }

        try
        {
            return function.Call(values);
        }
        catch (FunctionException ex)
        {
            _node = cmd;
            throw Error($"error calling {name}: {ex.Message}");
        }
    }

    /// <summary>A method of the root value, its arguments checked as Go checks a method's.</summary>
    private object? EvalMethod(object? dot, string name, TemplateFunction method, IReadOnlyList<TemplateNode>? args, object? final, bool hasFinal)
    {
        var argNodes = (args ?? []).Skip(1).ToList();
        var numIn = argNodes.Count + (hasFinal ? 1 : 0);
        if (numIn != method.Params.Count)
        {
            throw Error($"wrong number of args for {name}: want {method.Params.Count} got {numIn}");
        }

        var values = argNodes.Select((arg, i) => EvalArg(dot, method.Params[i], arg)).ToList();
        if (hasFinal)
        {
            values.Add(Validate(final, method.Params[values.Count]));
        }

        return method.Call(values);
    }

    private object? EvalArg(object? dot, Param param, TemplateNode node)
    {
        _node = node;
        object? value;
        switch (node)
        {
            case DotNode:
                value = dot;
                break;
            case NilNode:
                return param is Param.Any or Param.Value ? null : throw Error($"cannot assign nil to {Describe(param)}");
            case FieldNode field:
                value = EvalFieldChain(dot, dot, field, field.Ident, [node], null, false);
                break;
            case VariableNode variable:
                value = EvalVariable(dot, variable, null, null, false);
                break;
            case PipeNode pipe:
                value = EvalPipeline(dot, pipe);
                break;
            case IdentifierNode identifier:
                value = EvalFunction(dot, identifier, new CommandNode(identifier.Pos, identifier.Text, [identifier]), [identifier], null, false);
                break;
            case ChainNode chain:
                value = EvalCommand(dot, new CommandNode(chain.Pos, chain.Text, [chain]), null, false);
                break;
            case BoolNode b:
                return param is Param.String or Param.Int ? throw Error($"expected {Describe(param)}; found {b.Text}") : b.Value;
            case StringNode s:
                return param == Param.Int ? throw Error($"expected integer; found {s.Text}") : s.Value;
            case NumberNode n:
                return param switch
                {
                    Param.String => throw Error($"expected string; found {n.Text}"),
                    Param.Int => n.Int ?? throw Error($"expected integer; found {n.Text}"),
                    _ => n.Int is { } i ? (object)i : n.Float,
                };
            default:
                throw Error($"can't handle {node.Text} for arg of type {Describe(param)}");
        }

        _node = node;
        return Validate(value, param);
    }

    /// <summary>Go's <c>validateType</c>: a value of the wrong type for the parameter is an error.</summary>
    private object? Validate(object? value, Param param) => param switch
    {
        Param.Value => value,
        Param.Any => value is Missing ? null : value,
        Param.String when value is string => value,
        Param.Int when value is long => value,
        _ when value is Missing => throw Error($"invalid value; expected {Describe(param)}"),
        _ => throw Error($"wrong type for value; expected {Describe(param)}; got {TemplateValues.TypeName(value)}"),
    };

    private static string Describe(Param param) => param switch
    {
        Param.String => "string",
        Param.Int => "int",
        Param.Value => "reflect.Value",
        _ => "interface {}",
    };
}
