namespace Slipway.Build.Context;

/// <summary>A build's ignore file, read once: where it is (null: none), its matcher, or why it cannot be used.</summary>
/// <param name="File">The file that was read; null when the context has none.</param>
/// <param name="Matcher">The patterns; empty without a file, null when they do not parse.</param>
/// <param name="Error">Why the patterns do not parse, in BuildKit's words; the build fails with it.</param>
public sealed record DockerIgnore(string? File, PatternMatcher? Matcher, string? Error);
