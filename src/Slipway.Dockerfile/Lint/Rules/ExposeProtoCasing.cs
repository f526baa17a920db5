using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class ExposeProtoCasing
{
    public static LintRule Rule { get; } = new()
    {
        Id = nameof(ExposeProtoCasing),
        Description = "Protocol in EXPOSE instruction should be lowercase",
        Url = LintRule.BuildKitUrl(nameof(ExposeProtoCasing)),
        FromBuildKit = true,
        Check = Check,
    };

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var expose in c.Document.Instructions.Instructions.OfType<ExposeInstruction>())
        {
            foreach (var port in expose.Ports)
            {
                var slash = port.LastIndexOf('/');
                if (slash >= 0 && !Casing.IsLower(port[(slash + 1)..]))
                {
                    c.Report(rule, $"Defined protocol '{port}' in EXPOSE instruction should be lowercase", expose.Span);
                }
            }
        }
    }
}
