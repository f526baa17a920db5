using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class MaintainerDeprecated
{
    public static LintRule Rule { get; } = new()
    {
        Id = nameof(MaintainerDeprecated),
        Description = "The MAINTAINER instruction is deprecated, use a label instead to define an image author",
        Url = LintRule.BuildKitUrl(nameof(MaintainerDeprecated)),
        FromBuildKit = true,
        Check = Check,
    };

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var instruction in c.Document.Instructions.Instructions.OfType<MaintainerInstruction>())
        {
            c.Report(rule, "Maintainer instruction is deprecated in favor of using label", instruction.Span);
        }
    }
}
