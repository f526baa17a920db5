using Slipway.Dockerfile.Instructions;
using Slipway.Oci;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class InvalidDefaultArgInFrom
{
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(InvalidDefaultArgInFrom),
        "Default value for global ARG results in an empty or invalid base image name", Check);

    private static void Check(LintContext c, LintRule rule)
    {
        // Only the defaults count: the file must build without --build-arg.
        var defaults = PlatformArgs.For("linux/amd64", "linux/amd64");
        foreach (var def in c.GlobalArgs.SelectMany(a => a.Args))
        {
            if (def.Default is null)
            {
                defaults.Remove(def.Name);
                continue;
            }

            var value = c.Expand(def.Default, n => defaults.GetValueOrDefault(n))?.Word;
            if (value is not null)
            {
                defaults[def.Name] = value;
            }
        }

        var declared = c.GlobalArgs.SelectMany(a => a.Args).Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        var stageNames = c.Stages.Select(s => s.Name).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var stage in c.Stages)
        {
            var written = stage.From.BaseName;
            if (!written.Contains('$', StringComparison.Ordinal))
            {
                continue;
            }

            // An undeclared name is UndefinedArgInFrom's finding, not this one's.
            var result = c.Expand(written, n => defaults.GetValueOrDefault(n));
            if (result is null || result.Unmatched.Any(n => !declared.Contains(n)))
            {
                continue;
            }

            var expanded = result.Word;
            if ( stageNames.Contains(expanded) || expanded.Equals("scratch", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (expanded.Length == 0 || !ImageReference.TryParseNormalized(expanded, out _, out _))
            {
                c.Report(rule, $"Default value for ARG {written} results in empty or invalid base image name", stage.From.Span);
            }
        }
    }
}
