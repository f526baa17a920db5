namespace Slipway.Dockerfile.Lint.Rules;

internal static class LegacyKeyValueFormat
{
    public static LintRule Rule { get; } = new()
    {
        Id = nameof(LegacyKeyValueFormat),
        Description = "Legacy key/value format with whitespace separator should not be used",
        Url = LintRule.BuildKitUrl(nameof(LegacyKeyValueFormat)),
        FromBuildKit = true,
        Check = Check,
    };

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var instruction in c.Document.Instructions.Instructions)
        {
            var node = instruction.Node;
            // The syntax layer keeps "key value" as (key, value, "") and "key=value" as (key, value, "=").
            if (node.Name is "env" or "label" && node.Args.Count == 3 && node.Args[2].Length == 0)
            {
                var keyword = node.Name.ToUpperInvariant();
                c.Report(rule, $"\"{keyword} key=value\" should be used instead of legacy \"{keyword} key value\" format", instruction.Span);
            }
        }
    }
}
