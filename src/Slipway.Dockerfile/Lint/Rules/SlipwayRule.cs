using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

/// <summary>What Slipway's own rules share: the text a RUN hands to the shell.</summary>
internal static class SlipwayRule
{
    /// <summary>The shell text of a RUN, heredoc bodies included, for pattern checks.</summary>
    public static string Script(RunInstruction run) =>
        string.Join('\n', run.Command.Args.Concat(run.Command.Files.Select(f => f.Content)));
}

/// <summary>Case tests that do not allocate a copy (and keep the analyzers' ordinal-comparison advice).</summary>
internal static class Casing
{
    public static bool IsLower(string s) => !s.Any(char.IsUpper);

    public static bool IsUpper(string s) => !s.Any(char.IsLower);
}
