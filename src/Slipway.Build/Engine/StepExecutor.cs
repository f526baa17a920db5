using System.Text;
using Slipway.Dockerfile.Expansion;
using Slipway.Dockerfile.Instructions;
using Slipway.Oci;
using Slipway.Runtime;
using Slipway.Solver;
using Slipway.Store;
using Slipway.Store.Images;
using Slipway.Store.Snapshots;

namespace Slipway.Build.Engine;

/// <summary>Executes Dockerfile steps for the solver: expands each instruction against the stage's state, keys it,
/// and runs it. Metadata instructions change only the config; RUN, COPY, ADD and WORKDIR make layers.</summary>
public sealed partial class StepExecutor(
    LocalStore store, BuildOptions options, StageGraph graph, char escapeToken, IBuildProgress progress,
    Func<ImageReference, CancellationToken, Task<StoredImage>> resolveImage) : IExecutor<StepState>, IDisposable
{
    public const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private readonly ShellLex _lex = new(escapeToken);
    private readonly BuildCache _cache = new(store);
    private readonly StepHistory _history = new(store);
    private readonly string _downloads = store.Layout.NewTmpPath("add-");
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _cacheMounts = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task>> _seeding = new(StringComparer.Ordinal);
    private AddSources? _addSourcesField;
    private Cache.CacheImports? _imports;

    /// <summary>Caches imported with <c>--cache-from</c>: consulted after the store's own cache; their layers are
    /// fetched when a snapshot needs them, their cache mounts seed empty cache directories.</summary>
    public Cache.CacheImports? Imports
    {
        get => _imports;
        init => _imports = value;
    }

    /// <summary>Where steps get their root filesystems: overlayfs in a build, a copying snapshotter in unit tests.</summary>
    public required ISnapshotter Snapshotter { get; init; }

    /// <summary>What RUN steps run in.</summary>
    public required IContainerRuntime Runtime { get; init; }

    /// <summary>The build's claim on what it uses (layers, their snapshots' diffIDs, cache mounts), so a prune
    /// running meanwhile leaves them alone. Null only in tests that run steps without a store lease.</summary>
    public Lease? BuildLease { get; init; }

    /// <summary>How many cache records this build wrote: the cache only grew when this is above zero.</summary>
    public int CacheRecordsWritten => _cacheRecordsWritten;

    private int _cacheRecordsWritten;
    // Content digests of context files, kept across builds so unchanged files are not read again.
    private readonly Lazy<Context.ContentIndex> _contextIndex = new(() => Context.ContentIndex.Open(store.Layout, options.ContextDir));

    /// <summary>How many context file digests came from the index and how many were hashed, so far.</summary>
    public Context.ContextFileCounts ContextFiles =>
        _contextIndex.IsValueCreated ? new(_contextIndex.Value.Hits, _contextIndex.Value.Hashed) : default;

    /// <summary>The context as COPY and bind mounts read it.</summary>
    private CopySource ContextSource() => new(options.ContextDir, options.Ignore, _contextIndex.Value);

    private AddSources AddSourceCache => _addSourcesField ??= new AddSources(_downloads);

    /// <summary>Removes what ADD downloaded for this build.</summary>
    public void Dispose()
    {
        if (_contextIndex.IsValueCreated)
        {
            _contextIndex.Value.Save();
        }

        _addSourcesField?.Dispose();
        if (Directory.Exists(_downloads))
        {
            Directory.Delete(_downloads, true);
        }
    }
    private readonly DateTimeOffset _created = options.SourceDateEpoch ?? store.Time.GetUtcNow();

    public async ValueTask<StepState> ExecuteAsync(Vertex vertex, IReadOnlyList<StepState> inputs, Digest cacheKey, CancellationToken cancellationToken)
    {
        var step = (StepVertex)vertex;
        var result = step.Instruction switch
        {
            null => await FromAsync(step, inputs, cancellationToken).ConfigureAwait(false),
            RunInstruction run => await RunAsync(step, run, inputs, cancellationToken).ConfigureAwait(false),
            CopyInstruction copy => await CopyAsync(step, copy.Sources, copy.Options, copy.From, inputs, cancellationToken).ConfigureAwait(false),
            AddInstruction add => await AddAsync(step, add, inputs, cancellationToken).ConfigureAwait(false),
            WorkdirInstruction workdir => await WorkdirAsync(workdir, inputs[0], cancellationToken).ConfigureAwait(false),
            var other => Metadata(other, inputs[0]),
        };
        Protect(result);
        _keys[vertex] = cacheKey;
        await _cache.SaveAsync(cacheKey, result, BuildLease, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _cacheRecordsWritten);
        await RecordAsync(step, cacheKey, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private string Expand(string word, StepState state)
    {
        try
        {
            var result = _lex.ProcessWord(word, state.Lookup);
            if (_used.Value is { } used)
            {
                used.UnionWith(result.Matched);
                used.UnionWith(result.Unmatched);
            }

            return result.Word;
        }
        catch (ExpansionException ex)
        {
            throw new BuildException(ex.Message, ex);
        }
    }

    /// <summary>What a FROM starts from: the base image's manifest digest, or "stage" (its content is the input
    /// key) or "scratch".</summary>
    private async Task<string> BaseDigestAsync(StepVertex step, CancellationToken cancellationToken)
    {
        var stage = step.Stage;
        if (stage.BaseStage is not null)
        {
            return "stage";
        }

        if (string.Equals(stage.BaseName, "scratch", StringComparison.OrdinalIgnoreCase))
        {
            return "scratch";
        }

        var image = await resolveImage(ParseBase(stage), cancellationToken).ConfigureAwait(false);
        return image.ManifestDescriptor.Digest.Value;
    }

    private static ImageReference ParseBase(Stage stage) =>
        ImageReference.TryParse(stage.BaseName, out var reference, out var error)
            ? reference
            : throw new BuildException($"{stage.From.Span.File}:{stage.From.Span.StartLine}: invalid base image \"{stage.BaseName}\": {error}");

    private async Task<StepState> FromAsync(StepVertex step, IReadOnlyList<StepState> inputs, CancellationToken cancellationToken)
    {
        var stage = step.Stage;
        StepState state;
        if (stage.BaseStage is not null)
        {
            state = inputs[0] with { Args = new Dictionary<string, string?>(), CmdSet = false };
        }
        else if (string.Equals(stage.BaseName, "scratch", StringComparison.OrdinalIgnoreCase))
        {
            state = new StepState
            {
                Layers = [],
                Config = new ImageConfig
                {
                    Architecture = options.Platform.Architecture,
                    Os = options.Platform.Os,
                    Variant = options.Platform.Variant,
                    RootFs = new RootFs { DiffIds = [] },
                    Config = new ContainerConfig { Env = [DefaultPath] },
                    History = [],
                },
                Args = new Dictionary<string, string?>(),
            };
        }
        else
        {
            var image = await resolveImage(ParseBase(stage), cancellationToken).ConfigureAwait(false);
            var layers = image.Manifest.Layers.Select((l, i) => new LayerRef(l, image.Config.RootFs.DiffIds[i])).ToList();
            // The base's ONBUILD triggers run in this stage (planned as its first steps) and are not inherited further.
            var container = (image.Config.Config ?? new ContainerConfig()) with { OnBuild = null };
            if (container.Env is null || !container.Env.Any(e => e.StartsWith("PATH=", StringComparison.Ordinal)))
            {
                container = container with { Env = [.. container.Env ?? [], DefaultPath] };
            }

            state = new StepState
            {
                Layers = layers,
                Config = image.Config with { Config = container, History = image.Config.History ?? [] },
                Args = new Dictionary<string, string?>(),
            };
        }

        return state;
    }

    /// <summary>The values an ARG line gives: a build argument wins, then the default, then the global ARG of the
    /// same name.</summary>
    private List<(string Name, string? Value)> ResolveArgs(ArgInstruction arg, StepState state)
    {
        var result = new List<(string, string?)>();
        foreach (var definition in arg.Args)
        {
            string? value;
            if (options.BuildArgs.TryGetValue(definition.Name, out var given))
            {
                value = given;
            }
            else if (definition.Default is not null)
            {
                value = Expand(definition.Default, state);
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

    /// <summary>ARGs become environment variables of RUN steps only, and only where ENV does not set the name.</summary>
    private static List<string> ArgEnv(StepState state)
    {
        var env = new List<string>();
        foreach (var (name, value) in state.Args.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (value is not null && !state.Env.Any(e => e.StartsWith(name + "=", StringComparison.Ordinal)))
            {
                env.Add(name + "=" + value);
            }
        }

        return env;
    }
}
