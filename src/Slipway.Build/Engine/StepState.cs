using Slipway.Oci;
using Slipway.Store;

namespace Slipway.Build.Engine;

/// <summary>The state of a stage after one step: its layers, its image config (with history), and what the
/// next steps may expand (the ARGs in scope). Immutable: each step makes a new one.</summary>
public sealed record StepState
{
    /// <summary>The PATH a stage (and <c>slipway run</c>) gets when its image sets none, as in BuildKit.</summary>
    public const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public required IReadOnlyList<LayerRef> Layers { get; init; }

    public required ImageConfig Config { get; init; }

    /// <summary>ARGs declared in the stage so far, with their values (null: declared without a value).</summary>
    public required IReadOnlyDictionary<string, string?> Args { get; init; }

    /// <summary>Whether CMD was set in this stage: a later ENTRYPOINT then keeps it instead of resetting it.</summary>
    public bool CmdSet { get; init; }

    public ContainerConfig Container => Config.Config ?? new ContainerConfig();

    public IReadOnlyList<string> Env => Container.Env ?? [];

    /// <summary>The value a word sees for <paramref name="name"/>: ENV wins over ARG, as in BuildKit.</summary>
    public string? Lookup(string name)
    {
        foreach (var entry in Env)
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && entry.AsSpan(0, eq).SequenceEqual(name))
            {
                return entry[(eq + 1)..];
            }
        }

        return Args.TryGetValue(name, out var value) ? value : null;
    }

    public StepState WithContainer(Func<ContainerConfig, ContainerConfig> change, string createdBy, DateTimeOffset created) =>
        this with
        {
            Config = Config with
            {
                Config = change(Container),
                History = [.. Config.History ?? [], new HistoryEntry { Created = created, CreatedBy = createdBy, Comment = "buildkit.dockerfile.v0", EmptyLayer = true }],
            },
        };

    public StepState WithLayer(LayerRef layer, string createdBy, DateTimeOffset created) =>
        this with
        {
            Layers = [.. Layers, layer],
            Config = Config with
            {
                RootFs = new RootFs { DiffIds = [.. Config.RootFs.DiffIds, layer.DiffId] },
                History = [.. Config.History ?? [], new HistoryEntry { Created = created, CreatedBy = createdBy, Comment = "buildkit.dockerfile.v0" }],
            },
        };

    public static List<string> SetEnv(IReadOnlyList<string> env, string name, string value)
    {
        var list = env.Where(e => !e.StartsWith(name + "=", StringComparison.Ordinal)).ToList();
        var index = env.ToList().FindIndex(e => e.StartsWith(name + "=", StringComparison.Ordinal));
        if (index >= 0)
        {
            var copy = env.ToList();
            copy[index] = name + "=" + value;
            return copy;
        }

        list.Add(name + "=" + value);
        return list;
    }
}
