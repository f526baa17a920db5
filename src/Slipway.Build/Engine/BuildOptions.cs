using Slipway.Build.Context;
using Slipway.Build.Definition;
using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Build.Engine;

/// <summary>Everything one build needs to know, resolved and checked by the caller (the CLI's request) beforehand.</summary>
public sealed record BuildOptions
{
    /// <summary>The context, the Dockerfile, the target, the build args and the platform: what the
    /// <see cref="BuildDefinition"/> the build gets was made from.</summary>
    public required DefinitionSource Source { get; init; }

    public string ContextDir => Source.ContextDir;

    public string DockerfileName => Source.DockerfileName;

    /// <summary>The Dockerfile's path, for finding <c>&lt;Dockerfile&gt;.dockerignore</c>; null for stdin.</summary>
    public string? DockerfilePath => Source.DockerfilePath;

    public string? Target => Source.Target;

    public IReadOnlyDictionary<string, string> BuildArgs => Source.BuildArgs;

    public Platform Platform => Source.Platform;

    /// <summary><c>-t</c>: the names the image gets in the store (unless <see cref="NamesInStore"/> is off) and in
    /// the outputs that name it; none keeps it as <c>&lt;none&gt;</c>.</summary>
    public IReadOnlyList<ImageReference> Tags { get; init; } = [];

    /// <summary>Whether <see cref="Tags"/> name the image in the store. Off when every output is files
    /// (<c>-o type=local|tar|oci</c>, <c>type=docker,dest=…</c>): buildx gives <c>-t</c> only to its image, oci and
    /// docker exporters, so <c>docker buildx build -t x -o type=local,dest=d</c> leaves no <c>x</c> in docker's
    /// images.</summary>
    public bool NamesInStore { get; init; } = true;

    public bool NoCache { get; init; }

    /// <summary>How new layers are compressed (<c>--compression</c>): gzip by default, zstd or none.</summary>
    public Slipway.Store.Layers.LayerCompression Compression { get; init; } = Slipway.Store.Layers.LayerCompression.Gzip;

    /// <summary><c>--no-cache-filter</c>: stages (by name or index) whose steps run even when cached.</summary>
    public IReadOnlySet<string> NoCacheStages { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>--pull</c>: fetch base images from their registry even when the store has them.</summary>
    public bool Pull { get; init; }

    /// <summary><c>--allow</c>: the entitlements granted to this build (a RUN that needs another one fails the
    /// build before anything runs).</summary>
    public Entitlements Allow { get; init; }

    /// <summary><c>--network</c>: the network of every RUN without its own <c>--network</c>. <c>host</c> grants
    /// <c>network.host</c> as buildx's does: the flag is the person running the build asking for it.</summary>
    public Slipway.Dockerfile.Instructions.NetworkMode Network { get; init; }

    /// <summary>What <see cref="Allow"/> and <see cref="Network"/> grant together.</summary>
    public Entitlements Granted => Allow | (Network == Slipway.Dockerfile.Instructions.NetworkMode.Host ? Entitlements.NetworkHost : Entitlements.None);

    /// <summary><c>--add-host</c>: lines every RUN's /etc/hosts gets after localhost, in the order given.</summary>
    public IReadOnlyList<Slipway.Runtime.Spec.HostEntry> AddHosts { get; init; } = [];

    /// <summary><c>--shm-size</c>, <c>--ulimit</c> and <c>--cgroup-parent</c> of every RUN.</summary>
    public Slipway.Runtime.Spec.StepLimits Limits { get; init; } = Slipway.Runtime.Spec.StepLimits.None;

    /// <summary><c>--label</c>: labels the image config gets on top of those its Dockerfile sets (the flag wins).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary><c>--annotation</c>: the image manifest takes its manifest-level ones; the exporters the others.</summary>
    public ImageAnnotations Annotations { get; init; } = ImageAnnotations.None;

    /// <summary>pasta and ip, for RUN's default network; null when missing (a RUN that needs them then fails
    /// saying what to install).</summary>
    public Slipway.Runtime.Network.NetworkTools? NetworkTools { get; init; }

    /// <summary>The OCI runtime binary (runc or crun); empty when the request only asks a question (<c>--call</c>).</summary>
    public required string RuntimePath { get; init; }

    public int MaxParallel { get; init; } = 2;

    public DateTimeOffset? SourceDateEpoch { get; init; }

    /// <summary><c>--secret</c> values by id. They reach only the RUN steps that mount them, on tmpfs, and never a
    /// layer, the config, the history, a cache key or a log.</summary>
    public IReadOnlyDictionary<string, byte[]> Secrets { get; init; } = new Dictionary<string, byte[]>();

    /// <summary><c>--scan-secrets</c>: also look for secret-looking values (private keys, access tokens) in the
    /// layers the build made; <c>--secret</c> values are always looked for.</summary>
    public Slipway.Insight.SecretScanMode ScanSecrets { get; init; }

    /// <summary><c>--ssh</c> agent sockets by id (<c>default</c> when unnamed), forwarded to the RUN steps that mount them.</summary>
    public IReadOnlyDictionary<string, string> SshSockets { get; init; } = new Dictionary<string, string>();

    /// <summary><c>--cache-to</c>: where the build's cache is exported after the image is made.</summary>
    public IReadOnlyList<Cache.CacheExportSpec> CacheTo { get; init; } = [];

    /// <summary><c>--cache-from</c>: caches whose records answer steps the store's own cache misses.</summary>
    public IReadOnlyList<Cache.CacheImportSpec> CacheFrom { get; init; } = [];

    /// <summary>Why a RUN cannot run on a platform on this machine (no native support, no emulator), or null when it
    /// can; null (the default) when every platform runs. Checked before any pull or step.</summary>
    public Func<Platform, string?>? CanRun { get; init; }

    internal PatternMatcher? Ignore { get; init; }
}

/// <summary>What the build reports while it works: step state changes, the output of RUN steps, and the pulls of
/// base images the store lacks, blob by blob with their bytes.</summary>
public interface IBuildProgress
{
    void OnEvent(Slipway.Solver.SolveEvent solveEvent);

    void OnOutput(StepVertex vertex, string line);

    void OnWarning(string message);

    /// <summary>How the pull of <paramref name="image"/> goes: each blob's status and bytes, until
    /// <see cref="OnPulled"/>. Nothing is pulled for an image the store holds.</summary>
    void OnPull(Slipway.Oci.ImageReference image, Slipway.Images.PullProgress progress)
    {
    }

    /// <summary>The pull of <paramref name="image"/> ended: done, or failed because of <paramref name="failure"/>.</summary>
    void OnPulled(Slipway.Oci.ImageReference image, string? failure)
    {
    }
}

/// <summary>What a finished build produced.</summary>
public sealed record BuildResult(StoredImage Image, IReadOnlyList<ImageReference> Tags)
{
    /// <summary>Whether <see cref="Tags"/> were given to the image in the store (<see cref="BuildOptions.NamesInStore"/>).</summary>
    public bool NamedInStore { get; init; } = true;

    /// <summary>How the context's file digests were found: from the index, or by reading the files.</summary>
    public ContextFileCounts ContextFiles { get; init; }
}
