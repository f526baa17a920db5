using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class ExposeInvalidFormat
{
    public static LintRule Rule { get; } = new()
    {
        Id = nameof(ExposeInvalidFormat),
        Description = "IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release",
        Url = LintRule.BuildKitUrl(nameof(ExposeInvalidFormat)),
        FromBuildKit = true,
        Check = Check,
    };

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var expose in c.Document.Instructions.Instructions.OfType<ExposeInstruction>())
        {
            foreach (var port in expose.Ports.Where(p => p.Contains(':', StringComparison.Ordinal)))
            {
                c.Report(rule, $"EXPOSE instruction should not define an IP address or host-port mapping, found '{port}'", expose.Span);
            }
        }
    }
}
