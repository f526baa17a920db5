using Slipway.Build.Engine;
using Slipway.Dockerfile.Instructions;
using Slipway.Oci;
using Slipway.Solver;

namespace Slipway.Build.Ops;

/// <summary>A Dockerfile step as the solver's op. Its cache map: the vertex's operation digest (the instruction
/// as written and its place) and the step's named inputs (<see cref="StepInputs"/>), whose digest is the content
/// digest and whose values explain a miss. Stateless: everything a call needs arrives as its arguments or lives in
/// the build's services.</summary>
public abstract class StepOp(StepVertex step, StepServices services) : IOp<StepState>
{
    protected StepVertex Step => step;

    protected StepServices Services => services;

    protected BuildOptions Options => services.Options;

    public async ValueTask<CacheMap> CacheMapAsync(IReadOnlyList<StepState> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var facts = new StepInputs();
        facts.Add("platform", services.PlatformOf(step.Stage).ToString());
        await AddFactsAsync(facts, inputs, cancellationToken).ConfigureAwait(false);
        return new CacheMap(step.OperationDigest)
        {
            Inputs = Keying,
            Content = facts.Digest(),
            History = services.HistoryOf(step),
            Facts = facts.Facts(),
        };
    }

    public abstract ValueTask<StepState> ExecAsync(IReadOnlyList<StepState> inputs, CacheMap cacheMap, CancellationToken cancellationToken);

    /// <summary>A cached result with this build's ARGs in scope and whether CMD was set: the key does not cover
    /// them, so the record's would be another build's.</summary>
    public virtual StepState Revive(StepState cached, IReadOnlyList<StepState> inputs)
    {
        ArgumentNullException.ThrowIfNull(cached);
        ArgumentNullException.ThrowIfNull(inputs);
        return cached with { Args = inputs[0].Args, CmdSet = inputs[0].CmdSet };
    }

    /// <summary>How each input reaches the key; by its key unless an op says otherwise.</summary>
    protected virtual IReadOnlyList<InputKeying> Keying => [];

    /// <summary>Adds what the step depends on besides its inputs' keys, after the platform.</summary>
    protected abstract Task AddFactsAsync(StepInputs facts, IReadOnlyList<StepState> inputs, CancellationToken cancellationToken);

    /// <summary>What another stage's result holds, by its layers, for <c>FROM &lt;stage&gt;</c> and
    /// <c>RUN --mount=from=&lt;stage&gt;</c> (<c>COPY --from</c> keys by the files it takes instead). Its input key
    /// says the same whenever that stage came from the cache; when it reran anyway (<c>--no-cache-filter</c>) and
    /// made other files, this is what reruns the steps here that read them, instead of serving what they made from
    /// the old files.</summary>
    protected static string LayersDigest(StepState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Digest.Compute(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', state.Layers.Select(l => l.DiffId.Value)))).Value;
    }
}

/// <summary>A step of an instruction other than ARG. Its facts: the layer compression (it changes the blobs a layer
/// step makes), the instruction as written and after expansion, what the kind of instruction adds, and the ARG and
/// ENV values its expansions referenced.</summary>
public abstract class InstructionOp<T>(StepVertex step, T instruction, StepServices services) : StepOp(step, services)
    where T : Instruction
{
    protected T Instruction => instruction;

    protected sealed override async Task AddFactsAsync(StepInputs facts, IReadOnlyList<StepState> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var state = inputs[0];
        var expand = Services.Expand(state, track: true);
        facts.Add("compression", Options.Compression.ToString());
        facts.Add("instruction", Written);
        facts.Add("expanded", Expanded(expand));
        await AddOwnFactsAsync(facts, inputs, expand, cancellationToken).ConfigureAwait(false);
        if (!KeysEveryVariable)
        {
            // Other instructions use variables only through ${} expansion: name the ones this step referenced.
            foreach (var name in expand.Used.Order(StringComparer.Ordinal))
            {
                if (state.Lookup(name) is { } value)
                {
                    facts.Add((state.Env.Any(e => e.StartsWith(name + "=", StringComparison.Ordinal)) ? "env:" : "arg:") + name, value);
                }
            }
        }
    }

    /// <summary>The instruction as written, as it enters the key and the history.</summary>
    protected virtual string Written => instruction.Node.Original;

    /// <summary>True for an instruction that keys every ARG and ENV in scope itself (RUN sees them all).</summary>
    protected virtual bool KeysEveryVariable => false;

    /// <summary>The instruction after expansion, as it enters the key (and, for metadata, the history entry).</summary>
    protected abstract string Expanded(Expansion expand);

    /// <summary>What this kind of instruction adds to the facts, between the expanded text and the variables.</summary>
    protected virtual Task AddOwnFactsAsync(StepInputs facts, IReadOnlyList<StepState> inputs, Expansion expand, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
