using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class AddInsteadOfCopy
{
    /// <summary>What ADD unpacks: a source ending so is a reason to use ADD.</summary>
    private static readonly string[] Archives =
        [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".gz", ".bz2", ".xz", ".zst"];

    public static LintRule Rule { get; } = LintRule.Slipway(nameof(AddInsteadOfCopy),
        "Use COPY, not ADD, for local files that are not archives", Check);

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var add in c.StageInstructions<AddInstruction>())
        {
            var sources = add.Sources.SourcePaths;
            if (sources.Count == 0 || add.Checksum is not null || add.KeepGitDir is not null || add.Unpack is not null ||
                sources.Any(s => s.Contains("://", StringComparison.Ordinal) || s.StartsWith("git@", StringComparison.Ordinal) ||
                                 s.Contains('$', StringComparison.Ordinal) ||
                                 Archives.Any(a => s.EndsWith(a, StringComparison.OrdinalIgnoreCase))))
            {
                continue;
            }

            c.Report(rule, $"ADD of local {string.Join(", ", sources)}: COPY does the same without ADD's archive unpacking and URL fetching", add.Span);
        }
    }
}
