using Slipway.Dockerfile.Instructions;
using Slipway.Solver;

namespace Slipway.Build.Engine;

/// <summary>Turns the stages a target needs into solver vertices: one per step, chained within a stage, with an
/// extra input for every <c>FROM &lt;stage&gt;</c> and <c>COPY --from=&lt;stage&gt;</c>.</summary>
public static class BuildPlanner
{
    /// <summary>The vertex of the target's last step. <paramref name="triggers"/> are the ONBUILD triggers of a stage's
    /// base image, by stage index: they run first, as if they were written right after the FROM line.
    /// <paramref name="target"/> is given in a build for several platforms: each step is that platform's and its
    /// name starts with the platform its stage runs on, as BuildKit names it (<see cref="PlatformPrefix"/>).</summary>
    public static StepVertex Plan(StageGraph graph, bool noCache, IReadOnlySet<string>? noCacheStages = null,
        IReadOnlyDictionary<int, IReadOnlyList<Instruction>>? triggers = null, Oci.Platform? target = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var last = new Dictionary<int, StepVertex>();
        foreach (var stage in graph.Required)
        {
            var index = stage.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var skipCache = noCache ? "--no-cache"
                : noCacheStages is not null && (noCacheStages.Contains(stage.DisplayName) || noCacheStages.Contains(index)) ? "--no-cache-filter " + (stage.Name ?? index)
                : null;
            IReadOnlyList<Instruction> instructions = triggers is not null && triggers.TryGetValue(stage.Index, out var onbuild)
                ? [.. onbuild, .. stage.Instructions]
                : stage.Instructions;
            var total = instructions.Count + 1;
            var label = stage.Name ?? $"stage-{stage.Index}";
            IReadOnlyList<Vertex> fromInputs = stage.BaseStage is { } baseIndex ? [last[baseIndex]] : [];
            var prefix = target is null ? "" : PlatformPrefix(StagePlatform(stage, target), target, targetArgs: false);
            var first = stage.Replaced ? $"[{prefix}context {label}] replaced by --build-context {label}" : $"[{prefix}{label} 1/{total}] FROM {stage.BaseName}";
            var current = new StepVertex(first, stage, null, 0, fromInputs, skipCache) { Target = target };
            var targetArgs = false;
            for (var i = 0; i < instructions.Count; i++)
            {
                var instruction = instructions[i];
                var inputs = new List<Vertex> { current };
                if (instruction is CopyInstruction { From: { } from } && graph.Find(from) is { } source && last.TryGetValue(source.Index, out var sourceVertex))
                {
                    inputs.Add(sourceVertex);
                }

                foreach (var mount in (instruction as RunInstruction)?.Mounts ?? [])
                {
                    if (mount.From is { } mountFrom && graph.Find(mountFrom) is { } mountStage && last.TryGetValue(mountStage.Index, out var mountVertex))
                    {
                        inputs.Add(mountVertex);
                    }
                }

                var text = Describe(instruction);
                targetArgs |= instruction is ArgInstruction arg && arg.Args.Any(a => a.Name.StartsWith("TARGET", StringComparison.Ordinal));
                prefix = target is null ? "" : PlatformPrefix(StagePlatform(stage, target), target, targetArgs);
                current = new StepVertex($"[{prefix}{label} {i + 2}/{total}] {text}", stage, instruction, i + 1, inputs, skipCache) { Target = target };
            }

            last[stage.Index] = current;
        }

        return last[graph.Target.Index];
    }

    /// <summary>The platform a stage runs on: its <c>FROM --platform</c> (expanded), else the build's target.</summary>
    public static Oci.Platform StagePlatform(Stage stage, Oci.Platform target)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return stage.Platform is { } written && Oci.Platform.TryParse(written, out var platform, out _) ? platform : target;
    }

    /// <summary>BuildKit's step prefix in a build for several platforms: the platform the stage runs on, then
    /// <c>->arm64</c> once the stage has declared a TARGET* ARG for a target that is not that platform
    /// (<c>[linux/amd64->arm64 builder 5/6]</c>).</summary>
    public static string PlatformPrefix(Oci.Platform stage, Oci.Platform target, bool targetArgs)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(target);
        var arrow = !targetArgs || stage.ToString() == target.ToString() ? ""
            : stage.Os != target.Os ? "->" + target
            : stage.Architecture != target.Architecture ? "->" + target.Architecture + (target.Variant is null ? "" : "/" + target.Variant)
            : "";
        return stage + arrow + " ";
    }

    private static string Describe(Instruction instruction)
    {
        var text = instruction is AddInstruction ? AddSources.Redact(instruction.Node.Original.Trim()) : instruction.Node.Original.Trim();
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? text : text[..newline] + " …";
    }
}
