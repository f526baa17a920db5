using System.Globalization;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Instructions;

public static partial class InstructionParser
{
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
