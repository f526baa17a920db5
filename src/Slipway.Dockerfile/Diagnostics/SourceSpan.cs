namespace Slipway.Dockerfile.Diagnostics;

/// <summary>A region of a Dockerfile: 1-based lines and columns (columns count UTF-16 code units, end exclusive).</summary>
public readonly record struct SourceSpan(string File, int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    public static SourceSpan Line(string file, int line, int column = 1) => new(file, line, column, line, column);

    public override string ToString() => $"{File}:{StartLine}:{StartColumn}";
}
