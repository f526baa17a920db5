using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class FinalStageRunsAsRoot
{
    public static LintRule Rule { get; } = LintRule.Slipway(nameof(FinalStageRunsAsRoot),
        "The final stage should set USER to an unprivileged user", Check);

    private static void Check(LintContext c, LintRule rule)
    {
        if (c.Target is not { } target)
        {
            return;
        }

        // The last USER wins, and a stage built on another inherits its USER.
        UserInstruction? user = null;
        LintStage root = target;
        foreach (var stage in c.Lineage(target))
        {
            root = stage;
            user = stage.Body.OfType<UserInstruction>().LastOrDefault();
            if (user is not null)
            {
                break;
            }
        }

        if (user is null)
        {
            // An image made to run unprivileged says so in its tag (distroless …:nonroot); scratch has no users at all,
            // so the process runs as uid 0 unless USER says otherwise.
            if (!root.IsScratch && root.BaseStage is null && root.From.BaseName.Contains("nonroot", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            c.Report(rule, "The final stage runs as root: add USER with an unprivileged user (USER 65532:65532 works even on scratch)",
                target.From.Span);
            return;
        }

        var name = user.User.Split(':')[0];
        if (name is "root" or "0")
        {
            c.Report(rule, $"The final stage runs as root (USER {user.User}): switch to an unprivileged user", user.Span);
        }
    }
}
