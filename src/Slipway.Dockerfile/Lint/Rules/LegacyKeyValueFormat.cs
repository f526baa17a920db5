using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class LegacyKeyValueFormat
{
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(LegacyKeyValueFormat),
        "Legacy key/value format with whitespace separator should not be used", LintRule.EachInstruction<Instruction>(Check));

    private static IEnumerable<string> Check(Instruction instruction)
    {
        var node = instruction.Node;
        // The syntax layer keeps "key value" as (key, value, "") and "key=value" as (key, value, "=").
        if (node.Name is not ("env" or "label") || node.Args.Count != 3 || node.Args[2].Length != 0)
        {
            return [];
        }

        var keyword = node.Name.ToUpperInvariant();
        return [$"\"{keyword} key=value\" should be used instead of legacy \"{keyword} key value\" format"];
    }
}
