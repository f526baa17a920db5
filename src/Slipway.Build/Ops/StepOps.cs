using Slipway.Build.Cache;
using Slipway.Build.Engine;
using Slipway.Dockerfile.Instructions;
using Slipway.Runtime;
using Slipway.Solver;
using Slipway.Store;
using Slipway.Store.Snapshots;

namespace Slipway.Build.Ops;

/// <summary>The ops of one build: one per kind of instruction, made for each vertex the solver reaches, over the
/// services the build shares (made here once). Disposing it saves the context's digests and removes what ADD
/// downloaded and checked out.</summary>
public sealed class StepOps : IDisposable
{
    private readonly StepServices _services;
    private readonly StepLayers _layers;
    private readonly ContextFiles _context;
    private readonly AddSources _downloads;
    private readonly Git.GitSources _repositories;
    private readonly string _downloadDir;
    private readonly CacheMountDirs _cacheMounts;
    private readonly StageFiles _stageFiles;
    private readonly RunMounts _runMounts;
    private readonly ContainerRuns _containers;
    private readonly ISnapshotter _snapshotter;
    private readonly Dictionary<string, (StepServices Services, RunMounts Mounts)> _platforms = new(StringComparer.Ordinal);

    /// <param name="store">The store the build reads and writes.</param>
    /// <param name="services">What every op of the build shares.</param>
    /// <param name="snapshotter">Where steps get their root filesystems (overlayfs in a build, a copying one in unit tests).</param>
    /// <param name="runtime">What RUN steps run in.</param>
    /// <param name="local">The store's cache index: its stage file memos key <c>COPY --from=&lt;stage&gt;</c>.</param>
    /// <param name="imports">Caches imported with <c>--cache-from</c>: their cache mounts seed empty cache directories,
    /// their memos key copies from stages (the snapshotter fetches their layers when a snapshot needs them).</param>
    /// <param name="lease">The build's claim on what it uses (layers, their snapshots' diffIDs, cache mounts), so a
    /// prune running meanwhile leaves them alone. Null only in tests that run steps without a store lease.</param>
    public StepOps(LocalStore store, StepServices services, ISnapshotter snapshotter, IContainerRuntime runtime, LocalCacheIndex local,
        CacheImports? imports, Lease? lease)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        _snapshotter = snapshotter;
        var options = services.Options;
        _layers = new StepLayers(store.Layout, snapshotter, options.Compression, options.SourceDateEpoch, lease);
        _context = new ContextFiles(store.Layout, options);
        _downloadDir = store.Layout.NewTmpPath("add-");
        _downloads = new AddSources(_downloadDir, options.Secrets);
        _repositories = new Git.GitSources(_downloadDir, options.Secrets, options.SshSockets.GetValueOrDefault("default"));
        _cacheMounts = new CacheMountDirs(store.Layout, services.Graph, lease, imports, store.Time);
        _stageFiles = new StageFiles(local, imports, _layers, services.Progress.OnWarning);
        _runMounts = new RunMounts(services, snapshotter, _cacheMounts, _context);
        _containers = new ContainerRuns(store.Layout, options, runtime);
    }

    /// <summary>In a build for several platforms: the services of the steps planned for <paramref name="target"/>
    /// (<see cref="StepVertex.Target"/>), whose options, stage graph and images are that platform's.</summary>
    public void AddPlatform(Oci.Platform target, StepServices services)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(services);
        _platforms[target.ToString()] = (services, new RunMounts(services, _snapshotter, _cacheMounts, _context));
    }

    /// <summary>How many context file digests came from the index and how many were hashed, so far.</summary>
    public Context.ContextFileCounts ContextFiles => _context.Counts;

    /// <summary>Whether a context path is there but excluded by .dockerignore (for the history's explanations).</summary>
    public bool IgnoredInContext(string path) => _context.IsIgnored(path);

    /// <summary>The cache mount directories of this build, by id (what <c>--cache-to</c> carries).</summary>
    public IReadOnlyDictionary<string, string> CacheMounts() => _cacheMounts.Used();

    /// <summary>The stage fingerprint memos this build's <c>COPY --from=&lt;stage&gt;</c> steps used, for a max export.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> StageFingerprintsUsed => _stageFiles.Used;

    /// <summary>The op of a step: one kind per instruction.</summary>
    public IOp<StepState> For(Vertex vertex)
    {
        var step = vertex as StepVertex ?? throw new ArgumentException("not a Dockerfile step", nameof(vertex));
        var (services, mounts) = step.Target is { } target ? _platforms[target.ToString()] : (_services, _runMounts);
        return step.Instruction switch
        {
            null => new FromOp(step, services),
            ArgInstruction arg => new ArgOp(step, arg, services),
            RunInstruction run => new RunOp(step, run, services, _layers, mounts, _containers, _context),
            CopyInstruction or AddInstruction => new CopyOp(step, step.Instruction, services, _layers, _context, _downloads, _repositories, _stageFiles),
            WorkdirInstruction workdir => new WorkdirOp(step, workdir, services, _layers),
            var other => new MetadataOp(step, other, services),
        };
    }

    public void Dispose()
    {
        _context.Dispose();
        _downloads.Dispose();
        if (Directory.Exists(_downloadDir))
        {
            Directory.Delete(_downloadDir, true);
        }
    }
}
