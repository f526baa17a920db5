using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class MaintainerDeprecated
{
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(MaintainerDeprecated),
        "The MAINTAINER instruction is deprecated, use a label instead to define an image author",
        LintRule.EachInstruction<MaintainerInstruction>(_ => ["Maintainer instruction is deprecated in favor of using label"]));
}
