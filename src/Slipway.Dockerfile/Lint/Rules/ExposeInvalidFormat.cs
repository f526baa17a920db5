using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class ExposeInvalidFormat
{
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(ExposeInvalidFormat),
        "IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release",
        LintRule.EachInstruction<ExposeInstruction>(Check));

    private static IEnumerable<string> Check(ExposeInstruction expose) =>
        expose.Ports.Where(p => p.Contains(':', StringComparison.Ordinal))
            .Select(port => $"EXPOSE instruction should not define an IP address or host-port mapping, found '{port}'");
}
