using Slipway.Dockerfile.Instructions;
using Slipway.Solver;

namespace Slipway.Build.Engine;

/// <summary>Turns the stages a target needs into solver vertices: one per step, chained within a stage, with an
/// extra input for every <c>FROM &lt;stage&gt;</c> and <c>COPY --from=&lt;stage&gt;</c>.</summary>
public static class BuildPlanner
{
    /// <summary>The vertex of the target's last step. <paramref name="triggers"/> are the ONBUILD triggers of a stage's
    /// base image, by stage index: they run first, as if they were written right after the FROM line.</summary>
    public static StepVertex Plan(StageGraph graph, bool noCache, IReadOnlySet<string>? noCacheStages = null,
        IReadOnlyDictionary<int, IReadOnlyList<Instruction>>? triggers = null)
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
            var first = stage.Replaced ? $"[context {label}] replaced by --build-context {label}" : $"[{label} 1/{total}] FROM {stage.BaseName}";
            var current = new StepVertex(first, stage, null, 0, fromInputs, skipCache);
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
                current = new StepVertex($"[{label} {i + 2}/{total}] {text}", stage, instruction, i + 1, inputs, skipCache);
            }

            last[stage.Index] = current;
        }

        return last[graph.Target.Index];
    }

    private static string Describe(Instruction instruction)
    {
        var text = instruction is AddInstruction ? AddSources.Redact(instruction.Node.Original.Trim()) : instruction.Node.Original.Trim();
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? text : text[..newline] + " …";
    }
}
