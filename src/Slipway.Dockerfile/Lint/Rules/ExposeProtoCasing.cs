using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class ExposeProtoCasing
{
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(ExposeProtoCasing), "Protocol in EXPOSE instruction should be lowercase",
        LintRule.EachInstruction<ExposeInstruction>(Check));

    private static IEnumerable<string> Check(ExposeInstruction expose) =>
        expose.Ports.Where(port => port.LastIndexOf('/') is var slash and >= 0 && !Casing.IsLower(port[(slash + 1)..]))
            .Select(port => $"Defined protocol '{port}' in EXPOSE instruction should be lowercase");
}
