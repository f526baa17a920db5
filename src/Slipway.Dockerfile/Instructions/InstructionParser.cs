using System.Text.RegularExpressions;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Instructions;

/// <summary>The instructions of a parsed file, and every mistake found converting them.</summary>
public sealed record InstructionList(IReadOnlyList<Instruction> Instructions, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => Diagnostics.Count == 0;

    /// <summary>The instructions grouped as BuildKit reads a file: the ARGs before the first FROM, each FROM with the
    /// instructions after it, and anything else before the first FROM, which belongs to no stage.</summary>
    public StageSplit SplitStages()
    {
        var globals = new List<ArgInstruction>();
        var stages = new List<(FromInstruction From, List<Instruction> Body)>();
        var strays = new List<Instruction>();
        foreach (var instruction in Instructions)
        {
            switch (instruction)
            {
                case FromInstruction from:
                    stages.Add((from, []));
                    break;
                case ArgInstruction arg when stages.Count == 0:
                    globals.Add(arg);
                    break;
                case var other when stages.Count == 0:
                    strays.Add(other);
                    break;
                default:
                    stages[^1].Body.Add(instruction);
                    break;
            }
        }

        return new StageSplit(globals, [.. stages.Select(s => (s.From, (IReadOnlyList<Instruction>)s.Body))], strays);
    }
}

/// <summary>See <see cref="InstructionList.SplitStages"/>.</summary>
public sealed record StageSplit(
    IReadOnlyList<ArgInstruction> GlobalArgs,
    IReadOnlyList<(FromInstruction From, IReadOnlyList<Instruction> Body)> Stages,
    IReadOnlyList<Instruction> Strays);

/// <summary>Syntax nodes → typed instructions (BuildKit's instructions.ParseInstruction). Each instruction checks its
/// own flags and arguments; mistakes become <see cref="Diagnostic"/>s with the span of the node (or of the flag).</summary>
public static partial class InstructionParser
{
    public static InstructionList Parse(ParseResult syntax)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        var instructions = new List<Instruction>();
        var diagnostics = new List<Diagnostic>();
        if (syntax.Error is not null)
        {
            diagnostics.Add(syntax.Error);
        }

        foreach (var node in syntax.Children)
        {
            var instruction = Convert(node, syntax.SourceLines, out var diagnostic);
            if (instruction is not null)
            {
                instructions.Add(instruction);
            }
            else if (diagnostic is not null)
            {
                diagnostics.Add(diagnostic);
            }
        }

        return new InstructionList(instructions, diagnostics);
    }

    public static Instruction? Convert(Node node, IReadOnlyList<string> sourceLines, out Diagnostic? diagnostic)
    {
        ArgumentNullException.ThrowIfNull(node);
        var context = new Context(node, sourceLines);
        var instruction = Dispatch(context);
        diagnostic = context.Diagnostic;
        return diagnostic is null ? instruction : null;
    }

    private static Instruction? Dispatch(Context c) => c.Node.Name switch
    {
        "from" => ParseFrom(c),
        "run" => ParseRun(c),
        "cmd" => c.NoFlags() ? new CmdInstruction(Command(c.Node, [])) { Node = c.Node } : null,
        "entrypoint" => c.NoFlags() ? new EntrypointInstruction(Command(c.Node, [])) { Node = c.Node } : null,
        "shell" => ParseShell(c),
        "label" => ParseKeyValues(c, "LABEL") is { } labels ? new LabelInstruction(labels) { Node = c.Node } : null,
        "env" => ParseKeyValues(c, "ENV") is { } env ? new EnvInstruction(env) { Node = c.Node } : null,
        "expose" => c.NoFlags() && c.AtLeast(1, "EXPOSE") ? new ExposeInstruction(c.Node.Args) { Node = c.Node } : null,
        "volume" => ParseVolume(c),
        "user" => c.NoFlags() && c.Exactly(1, "USER") ? new UserInstruction(c.Node.Args[0]) { Node = c.Node } : null,
        "workdir" => c.NoFlags() && c.Exactly(1, "WORKDIR") ? new WorkdirInstruction(c.Node.Args[0]) { Node = c.Node } : null,
        "stopsignal" => c.NoFlags() && c.Exactly(1, "STOPSIGNAL") ? new StopSignalInstruction(c.Node.Args[0]) { Node = c.Node } : null,
        "maintainer" => c.NoFlags() && c.Exactly(1, "MAINTAINER") ? new MaintainerInstruction(c.Node.Args[0]) { Node = c.Node } : null,
        "arg" => ParseArg(c),
        "onbuild" => ParseOnbuild(c),
        "healthcheck" => ParseHealthcheck(c),
        "copy" => ParseCopy(c),
        "add" => ParseAdd(c),
        _ => c.Fail(DiagnosticIds.UnknownInstruction, UnknownInstructionMessage(c.Node.Keyword)),
    };

    private static readonly string[] Keywords =
    [
        "add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from", "healthcheck", "label", "maintainer",
        "onbuild", "run", "shell", "stopsignal", "user", "volume", "workdir",
    ];

    private static string UnknownInstructionMessage(string keyword) =>
        $"unknown instruction: {keyword}{Suggest.Hint(keyword, Keywords, caseSensitive: false)}";

    private static ShellCommand Command(Node node, IReadOnlyList<Heredoc> files) =>
        new(node.Args, !node.IsJson, files);

    [GeneratedRegex(@"\A[a-z][a-z0-9-_\.]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex StageNameRegex();

    private static FromInstruction? ParseFrom(Context c)
    {
        var flags = new FlagSet().String("platform");
        if (!c.Flags(flags))
        {
            return null;
        }

        var args = c.Node.Args;
        if (!(args.Count == 1 || (args.Count == 3 && args[1].Equals("as", StringComparison.OrdinalIgnoreCase))))
        {
            return c.Fail<FromInstruction>(DiagnosticIds.Arguments, "FROM requires either one or three arguments");
        }

        string? stage = null;
        if (args.Count == 3)
        {
            stage = args[2].ToLowerInvariant();
            if (!StageNameRegex().IsMatch(stage))
            {
                return c.Fail<FromInstruction>(DiagnosticIds.Arguments,
                    $"invalid name for build stage: {GoQuote.Quote(args[2])}, name can't start with a number or contain symbols");
            }
        }

        return new FromInstruction(args[0], stage, flags.GetString("platform")) { Node = c.Node };
    }

    private static RunInstruction? ParseRun(Context c)
    {
        var flags = new FlagSet().Strings("mount").String("network", "security");
        if (!c.Flags(flags) || !c.AtLeast(1, "RUN"))
        {
            return null;
        }

        var mounts = new List<RunMount>();
        foreach (var value in flags.GetStrings("mount"))
        {
            var mount = MountParser.Parse(value, out var error);
            if (mount is null)
            {
                return c.Fail<RunInstruction>(DiagnosticIds.BadFlagValue, error ?? "invalid mount", "mount");
            }

            mounts.Add(mount);
        }

        NetworkMode? network = flags.GetString("network") switch
        {
            null or "default" => NetworkMode.Default,
            "none" => NetworkMode.None,
            "host" => NetworkMode.Host,
            _ => null,
        };
        if (network is null)
        {
            return c.Fail<RunInstruction>(DiagnosticIds.BadFlagValue,
                $"unsupported network mode \"{flags.GetString("network")}\"", "network");
        }

        SecurityMode? security = flags.GetString("security") switch
        {
            null or "sandbox" => SecurityMode.Sandbox,
            "insecure" => SecurityMode.Insecure,
            _ => null,
        };
        if (security is null)
        {
            return c.Fail<RunInstruction>(DiagnosticIds.BadFlagValue,
                $"unsupported security mode \"{flags.GetString("security")}\"", "security");
        }

        return new RunInstruction(Command(c.Node, c.Node.Heredocs), mounts, network.Value, security.Value) { Node = c.Node };
    }

    private static ShellInstruction? ParseShell(Context c)
    {
        if (!c.NoFlags() || !c.AtLeast(1, "SHELL"))
        {
            return null;
        }

        if (!c.Node.IsJson)
        {
            return c.Fail<ShellInstruction>(DiagnosticIds.Arguments, "SHELL requires the arguments to be in JSON form");
        }

        return new ShellInstruction(c.Node.Args) { Node = c.Node };
    }

    private static List<KeyValue>? ParseKeyValues(Context c, string keyword)
    {
        if (!c.NoFlags() || !c.AtLeast(1, keyword))
        {
            return null;
        }

        var args = c.Node.Args;
        if (args.Count % 3 != 0)
        {
            return c.Fail<List<KeyValue>>(DiagnosticIds.Arguments, $"Bad input to {keyword}, too many arguments");
        }

        var pairs = new List<KeyValue>();
        for (var i = 0; i < args.Count; i += 3)
        {
            if (args[i].Length == 0)
            {
                return c.Fail<List<KeyValue>>(DiagnosticIds.Arguments, $"{keyword} names can not be blank");
            }

            pairs.Add(new KeyValue(args[i], args[i + 1]));
        }

        return pairs;
    }

    private static VolumeInstruction? ParseVolume(Context c)
    {
        if (!c.NoFlags() || !c.AtLeast(1, "VOLUME"))
        {
            return null;
        }

        if (c.Node.Args.Any(v => v.Trim().Length == 0))
        {
            return c.Fail<VolumeInstruction>(DiagnosticIds.Arguments, "VOLUME specified can not be an empty string");
        }

        return new VolumeInstruction(c.Node.Args) { Node = c.Node };
    }

    private static ArgInstruction? ParseArg(Context c)
    {
        if (!c.NoFlags() || !c.AtLeast(1, "ARG"))
        {
            return null;
        }

        var args = new List<ArgDefinition>();
        foreach (var word in c.Node.Args)
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? word : word[..eq];
            if (name.Length == 0)
            {
                return c.Fail<ArgInstruction>(DiagnosticIds.Arguments, "ARG names can not be blank");
            }

            args.Add(new ArgDefinition(name, eq < 0 ? null : word[(eq + 1)..]));
        }

        return new ArgInstruction(args) { Node = c.Node };
    }

    private static OnbuildInstruction? ParseOnbuild(Context c)
    {
        if (!c.NoFlags())
        {
            return null;
        }

        var sub = c.Node.Subcommand;
        if (sub is null)
        {
            return c.Fail<OnbuildInstruction>(DiagnosticIds.Arguments, "ONBUILD requires at least one argument");
        }

        switch (sub.Name)
        {
            case "onbuild":
                return c.Fail<OnbuildInstruction>(DiagnosticIds.Arguments, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
            case "from" or "maintainer":
                return c.Fail<OnbuildInstruction>(DiagnosticIds.Arguments, $"{sub.Name.ToUpperInvariant()} isn't allowed as an ONBUILD trigger");
        }

        var inner = Convert(sub with { Span = c.Node.Span, Heredocs = c.Node.Heredocs }, c.Lines, out var diagnostic);
        if (inner is null)
        {
            c.Diagnostic = diagnostic;
            return null;
        }

        return new OnbuildInstruction(sub.Original.Trim(), inner) { Node = c.Node };
    }
}
