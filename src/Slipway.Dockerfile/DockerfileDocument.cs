using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Instructions;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile;

/// <summary>The whole frontend in one call: syntax, instructions and (optionally) the stage graph, with every
/// diagnostic found on the way. Never throws for any input text.</summary>
public sealed record DockerfileDocument(ParseResult Syntax, InstructionList Instructions)
{
    public IReadOnlyList<Diagnostic> Diagnostics => Instructions.Diagnostics;

    public static DockerfileDocument Parse(string text, string file = "Dockerfile")
    {
        var syntax = DockerfileParser.Parse(text, file);
        return new DockerfileDocument(syntax, InstructionParser.Parse(syntax));
    }

    public StageGraphResult BuildGraph(StageGraphOptions? options = null) =>
        StageGraph.Build(Instructions, options, Syntax.EscapeToken);

    public string Format(Diagnostic diagnostic) => DiagnosticFormatter.Format(diagnostic, Syntax.SourceLines);
}
