using System.Globalization;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Instructions;

public static partial class InstructionParser
{
    private static CopyInstruction? ParseCopy(Context c)
    {
        var flags = new FlagSet().String("from", "chown", "chmod").Bool("link", "parents").Strings("exclude");
        if (!c.Flags(flags) || SourcesAndDest(c, "COPY") is not { } sources)
        {
            return null;
        }

        return new CopyInstruction(sources, flags.GetString("from"), Options(flags)) { Node = c.Node };
    }

    private static AddInstruction? ParseAdd(Context c)
    {
        var flags = new FlagSet().String("chown", "chmod", "checksum").Bool("link", "keep-git-dir", "unpack")
            .Strings("exclude");
        if (!c.Flags(flags) || SourcesAndDest(c, "ADD") is not { } sources)
        {
            return null;
        }

        return new AddInstruction(sources, Options(flags), flags.GetString("checksum"), flags.GetBool("keep-git-dir"),
            flags.GetBool("unpack")) { Node = c.Node };
    }

    private static CopyOptions Options(FlagSet flags) => new(flags.GetString("chown"), flags.GetString("chmod"),
        flags.GetBool("link") ?? false, flags.GetBool("parents") ?? false, flags.GetStrings("exclude"));

    private static SourcesAndDest? SourcesAndDest(Context c, string keyword)
    {
        var args = c.Node.Args;
        if (args.Count < 2)
        {
            return c.Fail<SourcesAndDest>(DiagnosticIds.Arguments,
                $"{keyword} requires at least two arguments, but only one was provided. Destination could not be determined");
        }

        if (!c.Node.IsJson && HeredocWords.ParseOpener(args[^1], out _) is not null)
        {
            return c.Fail<SourcesAndDest>(DiagnosticIds.Heredoc, $"{keyword} cannot accept a heredoc as a destination");
        }

        var paths = new List<string>();
        var contents = new List<Heredoc>();
        foreach (var src in args.Take(args.Count - 1))
        {
            var opener = c.Node.IsJson ? null : HeredocWords.ParseOpener(src, out _);
            var body = opener is null ? null : c.Node.Heredocs.FirstOrDefault(h => h.Name == opener.Name);
            if (body is not null)
            {
                contents.Add(body);
            }
            else
            {
                paths.Add(src);
            }
        }

        return new SourcesAndDest(paths, contents, args[^1]);
    }

    private static HealthcheckInstruction? ParseHealthcheck(Context c)
    {
        var args = c.Node.Args;
        if (args.Count == 0)
        {
            return c.NoFlags() ? c.Fail<HealthcheckInstruction>(DiagnosticIds.Arguments, "HEALTHCHECK requires at least one argument") : null;
        }

        var type = args[0].ToUpperInvariant();
        if (type == "NONE")
        {
            if (!c.NoFlags())
            {
                return null;
            }

            return args.Count != 1
                ? c.Fail<HealthcheckInstruction>(DiagnosticIds.Arguments, "HEALTHCHECK NONE takes no arguments")
                : new HealthcheckInstruction(["NONE"], default, default, default, default, 0) { Node = c.Node };
        }

        var flags = new FlagSet().String("interval", "timeout", "start-period", "start-interval", "retries");
        if (!c.Flags(flags))
        {
            return null;
        }

        if (type != "CMD")
        {
            return c.Fail<HealthcheckInstruction>(DiagnosticIds.Arguments, $"Unknown type \"{type}\" in HEALTHCHECK (try CMD)");
        }

        if (args.Count < 2)
        {
            return c.Fail<HealthcheckInstruction>(DiagnosticIds.Arguments, "Missing command after HEALTHCHECK CMD");
        }

        var test = new List<string> { c.Node.IsJson ? "CMD" : "CMD-SHELL" };
        test.AddRange(args.Skip(1));
        var durations = new TimeSpan[4];
        string[] names = ["interval", "timeout", "start-period", "start-interval"];
        for (var i = 0; i < names.Length; i++)
        {
            if (!OptionalInterval(c, flags, names[i], out durations[i]))
            {
                return null;
            }
        }

        var retries = 0;
        if (flags.GetString("retries") is { Length: > 0 } r)
        {
            if (!int.TryParse(r, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out retries))
            {
                return c.Fail<HealthcheckInstruction>(DiagnosticIds.BadFlagValue,
                    $"strconv.ParseInt: parsing {GoQuote.Quote(r)}: invalid syntax", "retries");
            }

            if (retries < 0)
            {
                return c.Fail<HealthcheckInstruction>(DiagnosticIds.BadFlagValue,
                    $"--retries cannot be negative ({retries})", "retries");
            }
        }

        return new HealthcheckInstruction(test, durations[0], durations[1], durations[2], durations[3], retries)
        {
            Node = c.Node,
        };
    }

    private static bool OptionalInterval(Context c, FlagSet flags, string name, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = flags.GetString(name);
        if (string.IsNullOrEmpty(s))
        {
            return true;
        }

        if (!GoDuration.TryParse(s, out value, out var error))
        {
            c.Fail<object>(DiagnosticIds.BadFlagValue, error ?? "invalid duration", name);
            return false;
        }

        if (value != TimeSpan.Zero && value < TimeSpan.FromMilliseconds(1))
        {
            c.Fail<object>(DiagnosticIds.BadFlagValue, $"Interval \"{name}\" cannot be less than 1ms", name);
            return false;
        }

        return true;
    }

    /// <summary>The node being converted and the first mistake found in it.</summary>
    private sealed class Context(Node node, IReadOnlyList<string> lines)
    {
        public Node Node { get; } = node;

        public IReadOnlyList<string> Lines { get; } = lines;

        public Diagnostic? Diagnostic { get; set; }

        public bool Flags(FlagSet flags)
        {
            if (flags.Parse(Node.Flags, out var error, out var flag))
            {
                return true;
            }

            Fail<object>(error!.StartsWith("unknown", StringComparison.Ordinal) ? DiagnosticIds.UnknownFlag : DiagnosticIds.BadFlagValue,
                error, flag);
            return false;
        }

        public bool NoFlags() => Flags(new FlagSet());

        public bool AtLeast(int count, string keyword)
        {
            if (Node.Args.Count >= count)
            {
                return true;
            }

            Fail<object>(DiagnosticIds.Arguments, $"{keyword} requires at least one argument");
            return false;
        }

        public bool Exactly(int count, string keyword)
        {
            if (Node.Args.Count == count)
            {
                return true;
            }

            Fail<object>(DiagnosticIds.Arguments, $"{keyword} requires exactly one argument");
            return false;
        }

        public Instruction? Fail(string id, string message) => Fail<Instruction>(id, message);

        public T? Fail<T>(string id, string message, string? flag = null)
            where T : class
        {
            Diagnostic ??= Diagnostic.Error(id, message, SpanFor(flag));
            return null;
        }

        private SourceSpan SpanFor(string? flag)
        {
            var span = Node.Span;
            if (flag is null || span.StartLine < 1 || span.StartLine > Lines.Count)
            {
                return span;
            }

            var line = Lines[span.StartLine - 1];
            var at = line.IndexOf("--" + flag, StringComparison.Ordinal);
            return at < 0 ? span : span with { StartColumn = at + 1, EndLine = span.StartLine, EndColumn = at + 3 + flag.Length };
        }
    }
}
