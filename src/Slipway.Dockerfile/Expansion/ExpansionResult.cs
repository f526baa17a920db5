namespace Slipway.Dockerfile.Expansion;

/// <summary>What one expansion produced.</summary>
/// <param name="Word">The expanded text with quotes removed and nothing split (BuildKit's <c>Result</c>).</param>
/// <param name="Words">The same text split into words on unquoted whitespace (BuildKit's <c>Words</c>).</param>
/// <param name="Matched">Variables that were referenced and set (empty counts as set).</param>
/// <param name="Unmatched">Variables that were referenced and unset: the UndefinedVar lint reads these, and an
/// ARG that appears in neither set does not invalidate the step's cache.</param>
public sealed record ExpansionResult(
    string Word,
    IReadOnlyList<string> Words,
    IReadOnlySet<string> Matched,
    IReadOnlySet<string> Unmatched);
