namespace Slipway.Dockerfile.Syntax;

/// <summary>A non-fatal finding of the parser (BuildKit reports these as warnings, not errors).</summary>
public sealed record ParseWarning(string Message, int Line);

/// <summary>A parser directive (<c># syntax=</c>, <c># escape=</c>, <c># check=</c>) with its 1-based line.</summary>
public sealed record ParserDirective(string Name, string Value, int Line);
