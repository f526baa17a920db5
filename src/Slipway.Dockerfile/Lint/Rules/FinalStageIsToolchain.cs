using Slipway.Dockerfile.Instructions;
using Slipway.Oci;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class FinalStageIsToolchain
{
    public static LintRule Rule { get; } = LintRule.Slipway(nameof(FinalStageIsToolchain),
        "The final stage should not be a toolchain image or install compilers: build in an earlier stage and copy the result", Check);

    private static void Check(LintContext c, LintRule rule)
    {
        if (c.Target is not { } target)
        {
            return;
        }

        var lineage = c.Lineage(target).ToList();
        var root = lineage[^1];
        if (root.BaseStage is null && !root.IsScratch && IsToolchain(root.From.BaseName))
        {
            c.Report(rule, $"The final stage is based on the toolchain image '{root.From.BaseName}': build in an earlier stage and copy the result into a runtime image",
                target.From.Span);
        }

        foreach (var stage in lineage)
        {
            foreach (var instruction in stage.Body)
            {
                switch (instruction)
                {
                    case RunInstruction run:
                        var compilers = Toolchains.InstalledPackages(SlipwayRule.Script(run)).Where(Toolchains.CompilerPackages.Contains).Distinct().ToList();
                        if (compilers.Count > 0)
                        {
                            c.Report(rule, $"The final stage installs the compiler {string.Join(", ", compilers)}: build in an earlier stage and copy the result into a runtime image",
                                run.Span);
                        }

                        break;
                    case CopyInstruction { From: { Length: > 0 } from } copy:
                        var toolchain = ToolchainSource(c, stage, from);
                        if (toolchain is not null && copy.Sources.SourcePaths.Any(IsWholeFilesystem))
                        {
                            c.Report(rule, $"The final stage copies the whole filesystem of '{from}', a toolchain ({toolchain}): copy only the files the program needs",
                                copy.Span);
                        }
                        else if (copy.Sources.SourcePaths.FirstOrDefault(Toolchains.IsCompilerPath) is { } compiler)
                        {
                            c.Report(rule, $"The final stage copies the compiler {compiler} from '{from}': build in an earlier stage and copy the result into a runtime image",
                                copy.Span);
                        }

                        break;
                }
            }
        }
    }

    /// <summary>The toolchain image behind a <c>COPY --from</c>: an image named directly, or the base of the earlier
    /// stage it names; null when it is neither.</summary>
    private static string? ToolchainSource(LintContext c, LintStage stage, string from)
    {
        var source = c.Stages.Take(stage.Index).LastOrDefault(s => string.Equals(s.Name, from, StringComparison.OrdinalIgnoreCase))
            ?? (int.TryParse(from, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) && i < stage.Index ? c.Stages[i] : null);
        if (source is null)
        {
            return IsToolchain(from) ? from : null;
        }

        var root = c.Lineage(source).Last();
        return root.BaseStage is null && !root.IsScratch && IsToolchain(root.From.BaseName) ? root.From.BaseName : null;
    }

    private static bool IsWholeFilesystem(string path) => path.Trim('/', '.').Length == 0 && path.StartsWith('/');

    internal static bool IsToolchain(string baseName)
    {
        if (baseName.Contains('$', StringComparison.Ordinal) || !ImageReference.TryParseNormalized(baseName, out var reference, out _))
        {
            return false;
        }

        // The path without the registry, and without docker.io's library/: a mirror (mirror.gcr.io/library/golang) or a
        // private registry (registry.example.com/golang, registry.example.com/team/golang) holds the same image.
        var path = reference.Path.StartsWith("library/", StringComparison.Ordinal) ? reference.Path["library/".Length..] : reference.Path;
        return Toolchains.Images.Any(t => (path == t.Path || path.EndsWith("/" + t.Path, StringComparison.Ordinal))
            && (t.Tag is null || t.Tag.IsMatch(reference.Tag ?? "")));
    }
}
