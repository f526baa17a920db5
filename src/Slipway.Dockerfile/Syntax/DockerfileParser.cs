using System.Text.RegularExpressions;
using Slipway.Dockerfile.Diagnostics;

namespace Slipway.Dockerfile.Syntax;

/// <summary>The Dockerfile syntax parser, with BuildKit's semantics (frontend/dockerfile/parser): directives,
/// comments, line continuations, flags, exec/shell forms and heredocs. Pure: text in, <see cref="ParseResult"/> out.</summary>
public static partial class DockerfileParser
{
    public static ParseResult ParseFile(string path) => Parse(File.ReadAllText(path), Path.GetFileName(path));

    public static ParseResult Parse(string text, string file = "Dockerfile")
    {
        ArgumentNullException.ThrowIfNull(text);
        var state = new ParserState(new SourceText(text), file);
        state.Run();
        return state.ToResult();
    }

    [GeneratedRegex(@"(?:([^\\])\\[ \t]*|\A\\[ \t]*)\z", RegexOptions.CultureInvariant)]
    private static partial Regex BackslashContinuation();

    [GeneratedRegex(@"(?:([^`])`[ \t]*|\A`[ \t]*)\z", RegexOptions.CultureInvariant)]
    private static partial Regex BacktickContinuation();

    internal static Regex ContinuationFor(char escape) =>
        escape == '`' ? BacktickContinuation() : BackslashContinuation();

    private sealed class ParserState(SourceText source, string file)
    {
        private readonly List<Node> _children = [];
        private readonly List<ParseWarning> _warnings = [];
        private readonly List<ParserDirective> _directives = [];
        private readonly DirectiveParser _directiveParser = new();
        private List<string> _comments = [];
        private char _escape = '\\';
        private int _next; // index of the next physical line to read
        private Diagnostic? _error;

        public void Run()
        {
            while (_next < source.Count && _error is null)
            {
                ReadInstruction();
            }

            if (_error is null && _children.Count == 0)
            {
                _error = Fail(DiagnosticIds.NoInstructions, "file with no instructions", Math.Max(1, source.Count), Math.Max(1, source.Count));
            }
        }

        public ParseResult ToResult() => new()
        {
            File = file,
            Children = _children,
            EscapeToken = _escape,
            Warnings = _warnings,
            Directives = _directives,
            Error = _error,
            SourceLines = source.Lines,
        };

        private bool TryRead(out string raw)
        {
            raw = "";
            if (_next >= source.Count)
            {
                return false;
            }

            if (source.IsTooLong(_next))
            {
                _error = Fail(DiagnosticIds.LineTooLong,
                    $"dockerfile line greater than max allowed size of {SourceText.MaxLineBytes - 1}", _next + 1, _next + 1);
                _next = source.Count;
                return false;
            }

            raw = source[_next++];
            return true;
        }

        private void ReadInstruction()
        {
            if (!TryRead(out var raw))
            {
                return;
            }

            if (IsComment(raw))
            {
                var trimmed = raw.TrimStart();
                var comment = trimmed[1..].Trim();
                if (comment.Length == 0)
                {
                    _comments = [];
                }
                else
                {
                    _comments.Add(comment);
                }
            }

            var startLine = _next;
            if (!ProcessLine(raw, stripLeft: true, out var processed))
            {
                return;
            }

            var (first, endOfLine) = TrimContinuation(processed);
            if (endOfLine && first.Length == 0)
            {
                return;
            }

            // Appended, not concatenated: a string rebuilt per continuation line made 200k lines quadratic.
            var joined = new System.Text.StringBuilder(first);

            var hasEmptyContinuation = false;
            while (!endOfLine && TryRead(out raw))
            {
                if (!ProcessLine(raw, stripLeft: false, out processed))
                {
                    return;
                }

                if (IsComment(raw))
                {
                    continue;
                }

                if (processed.TrimStart().Length == 0)
                {
                    hasEmptyContinuation = true;
                    continue;
                }

                (var continuation, endOfLine) = TrimContinuation(processed);
                joined.Append(continuation);
            }

            var line = joined.ToString();

            if (_error is not null)
            {
                return;
            }

            if (hasEmptyContinuation)
            {
                _warnings.Add(new ParseWarning("Empty continuation line found in: " + line, _next));
            }

            var node = NodeBuilder.FromLine(line, _escape, out var error);
            if (node is null)
            {
                _error = Fail(DiagnosticIds.Syntax, error ?? "syntax error", startLine, _next);
                return;
            }

            var heredocs = new List<Heredoc>();
            if (NodeBuilder.CanContainHeredoc(node) && line.Contains("<<", StringComparison.Ordinal))
            {
                var openers = HeredocWords.FromLine(line, out error);
                if (error is not null)
                {
                    _error = Fail(DiagnosticIds.Heredoc, error, startLine, _next);
                    return;
                }

                foreach (var opener in openers)
                {
                    var content = ReadHeredocBody(opener, startLine);
                    if (content is null)
                    {
                        return;
                    }

                    heredocs.Add(opener with { Content = content });
                }
            }

            _children.Add(node with
            {
                Heredocs = heredocs,
                PrevComments = _comments,
                Span = SpanOf(startLine, _next),
            });
            _comments = [];
        }

        private string? ReadHeredocBody(Heredoc opener, int startLine)
        {
            var content = new System.Text.StringBuilder();
            while (TryRead(out var raw))
            {
                var candidate = raw.TrimEnd('\r', '\n');
                if (opener.Chomp)
                {
                    candidate = candidate.TrimStart('\t');
                }

                if (candidate == opener.Name)
                {
                    return content.ToString();
                }

                content.Append(raw);
            }

            _error ??= Fail(DiagnosticIds.Heredoc, "unterminated heredoc", startLine, _next);
            return null;
        }

        private bool ProcessLine(string raw, bool stripLeft, out string processed)
        {
            var token = raw.TrimEnd('\r', '\n');
            if (stripLeft)
            {
                token = token.TrimStart();
            }

            var directive = _directiveParser.ParseLine(token, out var error);
            if (error is not null)
            {
                _error = Fail(DiagnosticIds.Directive, error, _next, _next);
                processed = "";
                return false;
            }

            if (directive is not null)
            {
                _directives.Add(directive);
                if (directive.Name == "escape")
                {
                    if (directive.Value is not ("`" or "\\"))
                    {
                        _error = Fail(DiagnosticIds.Directive,
                            $"invalid escape token '{directive.Value}' does not match ` or \\", _next, _next);
                        processed = "";
                        return false;
                    }

                    _escape = directive.Value[0];
                }
            }

            processed = IsComment(token) ? "" : token;
            return true;
        }

        private (string Line, bool EndOfLine) TrimContinuation(string line)
        {
            var regex = ContinuationFor(_escape);
            var match = regex.Match(line);
            if (!match.Success)
            {
                return (line, true);
            }

            return (line[..match.Index] + match.Groups[1].Value, false);
        }

        private static bool IsComment(string line)
        {
            var trimmed = line.AsSpan().TrimStart();
            return trimmed.Length > 0 && trimmed[0] == '#';
        }

        private SourceSpan SpanOf(int startLine, int endLine)
        {
            var first = startLine - 1 < source.Lines.Count ? source.Lines[startLine - 1] : "";
            var last = endLine - 1 < source.Lines.Count ? source.Lines[endLine - 1] : "";
            var column = first.Length - first.TrimStart().Length + 1;
            return new SourceSpan(file, startLine, column, endLine, last.Length + 1);
        }

        private Diagnostic Fail(string id, string message, int startLine, int endLine) =>
            Diagnostic.Error(id, message, SpanOf(Math.Max(1, startLine), Math.Max(1, endLine)));
    }
}
