using Slipway.Dockerfile.Diagnostics;

namespace Slipway.Dockerfile.Syntax;

/// <summary>What <see cref="DockerfileParser"/> returns. Parsing stops at the first fatal error, like
/// BuildKit's: <see cref="Error"/> is then set and <see cref="Children"/> holds the instructions read before it.</summary>
public sealed record ParseResult
{
    public required string File { get; init; }

    public required IReadOnlyList<Node> Children { get; init; }

    public char EscapeToken { get; init; } = '\\';

    public IReadOnlyList<ParseWarning> Warnings { get; init; } = [];

    public IReadOnlyList<ParserDirective> Directives { get; init; } = [];

    public Diagnostic? Error { get; init; }

    public bool Succeeded => Error is null;

    /// <summary>The source split into lines (without line endings), for printing diagnostics.</summary>
    public required IReadOnlyList<string> SourceLines { get; init; }

    public int StartLine => Children.Count > 0 ? Children[0].StartLine : 0;

    public int EndLine => Children.Count > 0 ? Children[^1].EndLine : 0;
}
