using Slipway.Build.Engine;
using Slipway.Dockerfile.Instructions;
using Slipway.Solver;

namespace Slipway.Build.Ops;

/// <summary>ARG: brings build arguments into scope. It contributes nothing to its own key (only the platform): its
/// value reaches the key of each later step that uses it (every RUN, as environment; any other instruction through
/// its expansion), as in BuildKit, so an ARG nothing uses invalidates nothing. The ARGs in scope are build-time
/// state no key carries, so a cached ARG step takes them from this build, never from its record.</summary>
public sealed class ArgOp(StepVertex step, ArgInstruction arg, StepServices services) : StepOp(step, services)
{
    protected override Task AddFactsAsync(StepInputs facts, IReadOnlyList<StepState> inputs, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public override ValueTask<StepState> ExecAsync(IReadOnlyList<StepState> inputs, CacheMap cacheMap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return ValueTask.FromResult(inputs[0] with { Args = WithArgs(inputs[0]) });
    }

    public override StepState Revive(StepState cached, IReadOnlyList<StepState> inputs)
    {
        ArgumentNullException.ThrowIfNull(cached);
        ArgumentNullException.ThrowIfNull(inputs);
        return cached with { Args = WithArgs(inputs[0]), CmdSet = inputs[0].CmdSet };
    }

    /// <summary>The ARGs in scope after this line.</summary>
    private Dictionary<string, string?> WithArgs(StepState state) =>
        new(state.Args.Concat(Resolve(state).Select(a => KeyValuePair.Create(a.Name, a.Value)))
            .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value), StringComparer.Ordinal);

    /// <summary>The values the line gives: a build argument wins, then the default, then the global ARG of the same name.</summary>
    private List<(string Name, string? Value)> Resolve(StepState state)
    {
        var graph = Services.Graph;
        var expand = Services.Expand(state);
        var result = new List<(string, string?)>();
        foreach (var definition in arg.Args)
        {
            string? value;
            if (Options.BuildArgs.TryGetValue(definition.Name, out var given))
            {
                value = given;
            }
            else if (definition.Default is not null)
            {
                value = expand.Word(definition.Default);
            }
            else
            {
                value = graph.GlobalArgs.LastOrDefault(g => g.Definition.Name == definition.Name)?.Value
                    ?? (graph.MetaScope.TryGetValue(definition.Name, out var meta) ? meta : null);
            }

            result.Add((definition.Name, value));
        }

        return result;
    }
}
