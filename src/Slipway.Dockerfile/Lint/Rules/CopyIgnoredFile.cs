using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class CopyIgnoredFile
{
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(CopyIgnoredFile),
        "Attempting to Copy file that is excluded by .dockerignore", Check);

    private static void Check(LintContext c, LintRule rule)
    {
        if (c.Facts.IsIgnored is not { } ignored)
        {
            return;
        }

        foreach (var stage in c.Stages)
        {
            foreach (var instruction in stage.Body)
            {
                var (verb, sources) = instruction switch
                {
                    CopyInstruction { From: null or "" } copy => ("Copy", copy.Sources.SourcePaths),
                    AddInstruction add => ("Add", add.Sources.SourcePaths),
                    _ => ("", (IReadOnlyList<string>)[]),
                };
                foreach (var source in sources)
                {
                    if (source.Contains("://", StringComparison.Ordinal) || source.StartsWith("git@", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var path = source.TrimStart('/');
                    while (path.StartsWith("./", StringComparison.Ordinal))
                    {
                        path = path[2..];
                    }

                    if (path.Length > 0 && path != "." && ignored(path.TrimEnd('/')))
                    {
                        c.Report(rule, $"Attempting to {verb} file \"{source}\" that is excluded by .dockerignore", instruction.Span);
                    }
                }
            }
        }
    }
}
