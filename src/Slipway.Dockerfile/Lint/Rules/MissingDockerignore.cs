namespace Slipway.Dockerfile.Lint.Rules;

internal static class MissingDockerignore
{
    /// <summary>Top-level names that should never travel with the context.</summary>
    internal static readonly string[] Heavy =
        [".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".env", ".terraform", ".pytest_cache", ".tox"];

    public static LintRule Rule { get; } = LintRule.Slipway(nameof(MissingDockerignore),
        "A context holding .git, node_modules or similar should have a .dockerignore", Check);

    private static void Check(LintContext c, LintRule rule)
    {
        if (c.Facts.HasDockerignore != false)
        {
            return;
        }

        var found = Heavy.Where(c.Facts.ContextTopLevel.Contains).ToList();
        if (found.Count > 0 && c.Stages.Count > 0)
        {
            c.Report(rule, $"The context has no .dockerignore but holds {string.Join(", ", found)}: every build sends them and COPY . copies them",
                c.Stages[0].From.Span);
        }
    }
}
