using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class WorkdirRelativePath
{
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(WorkdirRelativePath),
        "Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes", Check);

    private static void Check(LintContext c, LintRule rule)
    {
        var absoluteAtEnd = new bool[c.Stages.Count];
        foreach (var stage in c.Stages)
        {
            var absolute = stage.BaseStage is { } b && absoluteAtEnd[b];
            foreach (var workdir in stage.Body.OfType<WorkdirInstruction>())
            {
                var path = workdir.Path;
                if (path.StartsWith('/') || path.StartsWith('$'))
                {
                    absolute = true;
                }
                else if (!absolute)
                {
                    c.Report(rule, $"Relative workdir \"{path}\" can have unexpected results if the base image changes", workdir.Span);
                }
            }

            absoluteAtEnd[stage.Index] = absolute;
        }
    }
}
