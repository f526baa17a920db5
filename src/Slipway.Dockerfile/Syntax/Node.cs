using Slipway.Dockerfile.Diagnostics;

namespace Slipway.Dockerfile.Syntax;

/// <summary>One instruction as the syntax layer sees it: keyword, <c>--flags</c>, arguments split the way
/// BuildKit's line parsers split them, heredocs, and where it came from.</summary>
public sealed record Node
{
    /// <summary>The instruction keyword in lower case (<c>run</c>, <c>copy</c>, …); unknown keywords are kept too.</summary>
    public required string Name { get; init; }

    /// <summary>The keyword as written (<c>Run</c>), for messages.</summary>
    public required string Keyword { get; init; }

    /// <summary>Flags as written, without quotes: <c>--from=build</c>.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];

    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>True when the arguments came from a JSON array (exec form).</summary>
    public bool IsJson { get; init; }

    public IReadOnlyList<Heredoc> Heredocs { get; init; } = [];

    /// <summary>The wrapped instruction of ONBUILD.</summary>
    public Node? Subcommand { get; init; }

    /// <summary>The logical line after joining continuations and dropping comment lines.</summary>
    public required string Original { get; init; }

    /// <summary>Comment lines directly above the instruction, without the <c>#</c>.</summary>
    public IReadOnlyList<string> PrevComments { get; init; } = [];

    public int StartLine => Span.StartLine;

    public int EndLine => Span.EndLine;

    public SourceSpan Span { get; init; }
}
