using Slipway.Build.Cache;
using Slipway.Build.Context;
using Slipway.Build.Definition;
using Slipway.Build.Engine;
using Slipway.Build.Export;
using Slipway.Build.Hygiene;
using Slipway.Build.Ops;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Instructions;
using Slipway.Dockerfile.Syntax;
using Slipway.Images;
using Slipway.Oci;
using Slipway.Runtime;
using Slipway.Solver;
using Slipway.Store;
using Slipway.Store.Images;
using Slipway.Store.Snapshots;

namespace Slipway.Build.Pipeline;

/// <summary>The build: Dockerfile → stage graph → steps → solved in parallel with the cache → an image in the store.</summary>
public sealed class Builder(LocalStore store, RegistryClients? clients, IBuildProgress progress)
{
    /// <summary>Where steps get their root filesystems: overlayfs over the store's unpacked layers unless set (unit
    /// tests set a <see cref="CopyingSnapshotter"/>).</summary>
    public ISnapshotter? Snapshotter { get; init; }

    /// <summary>What RUN steps run in: the OCI runtime at <see cref="BuildOptions.RuntimePath"/> unless set.</summary>
    public IContainerRuntime? Runtime { get; init; }

    /// <summary>Builds what <paramref name="definition"/> describes (made once, from the same
    /// <see cref="BuildOptions.Source"/> as <paramref name="options"/>) and names it in the store: one image, or for
    /// several platforms one image each and an index of them, every platform's steps solved together.</summary>
    public async Task<BuildResult> BuildAsync(BuildDefinition definition, BuildOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(options);
        var definitions = definition.PerPlatform;
        if (definitions.Select(d => d.BuildError).FirstOrDefault(e => e is not null) is { } dockerfileError)
        {
            throw new DockerfileException(dockerfileError);
        }

        var graph = definition.Graph.Graph!;
        var syntax = definition.Document.Syntax;
        var multi = definitions.Count > 1;
        // The frontend's SOURCE_DATE_EPOCH (a build arg or a global ARG) is the build's.
        options = options with { SourceDateEpoch = definition.SourceDateEpoch ?? options.SourceDateEpoch };

        // Before any pull or RUN: a Dockerfile alone never gets the host's network or an unconfined RUN, and a RUN
        // on a platform this machine cannot run fails here rather than after the pulls.
        if (EntitlementCheck.Check(graph.Required, options.Granted) is { Count: > 0 } denied)
        {
            throw new DockerfileException(DiagnosticFormatter.FormatAll(denied, syntax.SourceLines));
        }

        PlatformCheck.Check(definitions, options.CanRun);
        options = options with { Ignore = definition.Ignore.Matcher ?? throw new BuildException(definition.Ignore.Error ?? "bad .dockerignore") };
        WarnUnusedBuildArgs(options, graph);

        var images = new ImageStore(store);
        var bases = new BaseImages(store, images, clients, progress, options.Pull);
        using var buildLease = store.CreateLease();
        using var imports = options.CacheFrom.Count == 0 ? null
            : await new CacheImporter(store, clients, progress.OnWarning, buildLease).ImportAsync(options.CacheFrom, cancellationToken).ConfigureAwait(false);
        var local = new LocalCacheIndex(store, buildLease);
        var told = multi ? new OnceWarnings(progress) : progress;
        var lanes = definitions.Select(d => Lane(d, options, images, bases, buildLease, told)).ToList();
        var snapshotter = Snapshotter ?? Composition.Snapshotter(store, imports);
        var runtime = Runtime ?? Composition.Runtime(store.Layout, options.RuntimePath);
        using var ops = new StepOps(store, lanes[0].Services, snapshotter, runtime, local, imports, buildLease);
        var targets = new List<Vertex>();
        foreach (var lane in lanes)
        {
            ops.AddPlatform(lane.Options.Platform, lane.Services);
            var laneGraph = lane.Services.Graph;
            var triggers = await OnbuildTriggersAsync(laneGraph, lane.Services.Images, cancellationToken).ConfigureAwait(false);
            if (triggers.Values.SelectMany(t => t).SelectMany(t => EntitlementCheck.Check(t, options.Granted)).ToList() is { Count: > 0 } deniedTriggers)
            {
                // A base image's ONBUILD is not this Dockerfile's text: no source line to show.
                throw new DockerfileException(DiagnosticFormatter.FormatAll(deniedTriggers, []));
            }

            targets.Add(BuildPlanner.Plan(laneGraph, options.NoCache, options.NoCacheStages, triggers, multi ? lane.Options.Platform : null));
        }

        var cache = new SolveCache<StepState>
        {
            Local = local,
            Imported = imports is null ? [] : [imports],
            History = new StepHistory(store, ops.IgnoredInContext, progress.OnWarning),
        };
        using var scheduler = new Scheduler<StepState>(ops.For, cache, options.MaxParallel, store.Time, progress.OnEvent);
        var solved = await scheduler.SolveAsync(targets, cancellationToken).ConfigureAwait(false);
        var cacheExport = new CacheExporter(store, clients, imports);
        var built = new List<StoredImage>();
        for (var i = 0; i < lanes.Count; i++)
        {
            var inline = options.CacheTo.Any(c => c.Type == CacheType.Inline)
                ? await cacheExport.InlineAsync(ImageChain(scheduler, targets[i]), cancellationToken).ConfigureAwait(false)
                : null;
            var image = await ExportAsync(solved[i].Result, lanes[i].Options, buildLease, imports, inline, cancellationToken).ConfigureAwait(false);
            await SecretCheck.RunAsync(store, image, bases.Layers(), options, progress, cancellationToken).ConfigureAwait(false);
            built.Add(image);
        }

        // One platform stays a plain manifest, as buildx's image exporter makes it; several make an index of them.
        var index = multi
            ? await images.WriteIndexAsync(built, options.Annotations.Merge(null, AnnotationLevel.Index, null), buildLease, cancellationToken).ConfigureAwait(false)
            : null;
        var result = built.FirstOrDefault(b => b.Config.Platform.ToString() == Platform.Host.ToString()) ?? built[0];
        // Named while this build's lease still holds the image's blobs; the other outputs come after the build.
        await new StoreExporter(images, options.NamesInStore ? options.Tags : [], keepDangling: true)
            .ExportAsync(new ExportSource(result) { Images = built, Index = index }, cancellationToken).ConfigureAwait(false);

        foreach (var spec in options.CacheTo.Where(c => c.Type != CacheType.Inline))
        {
            var keys = spec.Mode == CacheMode.Max
                ? scheduler.SolvedVertices().Select(v => v.Value.CacheKey)
                : targets.SelectMany(t => ImageChain(scheduler, t)).Distinct();
            try
            {
                await cacheExport.ExportAsync(spec, keys, ops.CacheMounts(), ops.StageFingerprintsUsed, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Registry.RegistryException or Registry.IdleTimeoutException or HttpRequestException or IOException
                or StoreException or UnauthorizedAccessException)
            {
                throw new BuildException($"failed to export cache to {spec.Ref?.FamiliarString ?? spec.Dest}: {ErrorText.Describe(ex)}", ex);
            }
        }

        if (scheduler.SolvedVertices().Any(v => !v.Value.FromCache))
        {
            // The image is tagged (or kept dangling) now; what only this build's lease held is plain cache again.
            buildLease.Dispose();
            await KeepStorageAsync(options.RuntimePath, options.NetworkTools, cancellationToken).ConfigureAwait(false);
        }

        return new BuildResult(result, options.Tags)
        {
            Images = built, Index = index, ContextFiles = ops.ContextFiles, NamedInStore = options.NamesInStore,
        };
    }

    /// <summary>What the steps of one target platform share: the build's options for that platform, its stage
    /// graph, and its images (bases for the platform each stage runs on, named contexts for the target).</summary>
    private (BuildOptions Options, StepServices Services) Lane(BuildDefinition definition, BuildOptions options, ImageStore images, BaseImages bases,
        Lease lease, IBuildProgress told)
    {
        var platform = definition.Source.Platform;
        var laneOptions = options with { Source = options.Source with { Platform = platform } };
        var contexts = new ContextImages(images, bases.ResolveAsync, platform, lease);
        var imageSource = new ImageSource(bases.ResolveAsync, platform, options.Source.NamedContexts, contexts.LoadAsync);
        var syntax = definition.Document.Syntax;
        return (laneOptions, new StepServices(laneOptions, definition.Graph.Graph!, syntax.EscapeToken, imageSource, told, store.Time)
        {
            SourceLines = syntax.SourceLines,
            Checks = definition.Checks?.Config ?? Dockerfile.Lint.CheckConfig.Default,
        });
    }

    /// <summary>Applies the store's <c>gc.keepStorage</c> cap. Only a build that wrote cache records (ran a step) can
    /// have grown the cache, so a fully cached build never walks the store.</summary>
    private async Task KeepStorageAsync(string runtimePath, Runtime.Network.NetworkTools? network, CancellationToken cancellationToken)
    {
        if (StoreConfig.Load(store.Layout).KeepStorageBytes is not { } keep)
        {
            return;
        }

        var hygiene = new StoreHygiene(store)
        {
            Runtimes = [Composition.Runtime(store.Layout, runtimePath)],
            Network = network,
        };
        var usage = await hygiene.MeasureAsync(cancellationToken).ConfigureAwait(false);
        if (usage.TotalBytes > keep)
        {
            await hygiene.PruneAsync(new PruneOptions { KeepStorage = keep }, usage, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The keys of the steps whose results make the exported image (mode=min): the target and, through
    /// each step's first input, the steps before it in its stage and in the stages it is based on.</summary>
    private static List<CacheKey> ImageChain(Scheduler<StepState> scheduler, Vertex target)
    {
        var solved = scheduler.SolvedVertices().ToDictionary(v => v.Key, v => v.Value.CacheKey);
        var keys = new List<CacheKey>();
        for (Vertex? vertex = target; vertex is not null; vertex = vertex.Inputs.Count > 0 ? vertex.Inputs[0] : null)
        {
            if (solved.TryGetValue(vertex, out var key))
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    /// <summary>The ONBUILD triggers of every external base the target needs, parsed as Dockerfile instructions.</summary>
    private static async Task<Dictionary<int, IReadOnlyList<Instruction>>> OnbuildTriggersAsync(StageGraph graph, ImageSource images,
        CancellationToken cancellationToken)
    {
        var result = new Dictionary<int, IReadOnlyList<Instruction>>();
        foreach (var stage in graph.Required.Where(s => s.IsExternalBase))
        {
            var context = images.ContextOf(stage);
            if (context is null && !ImageReference.TryParse(stage.BaseName, out _, out _))
            {
                continue;
            }

            var image = await images.BaseAsync(stage, cancellationToken).ConfigureAwait(false);
            if (image.Config.Config?.OnBuild is not { Count: > 0 } onbuild)
            {
                continue;
            }

            var source = $"ONBUILD of {(context is null ? ImageReference.Parse(stage.BaseName).FamiliarString : "build context " + context.Name)}";
            var syntax = DockerfileParser.Parse(string.Join('\n', onbuild) + "\n", source);
            var list = InstructionParser.Parse(syntax);
            if (syntax.Error is not null || !list.Succeeded)
            {
                throw new DockerfileException(DiagnosticFormatter.FormatAll(list.Diagnostics, syntax.SourceLines));
            }

            result[stage.Index] = list.Instructions;
        }

        return result;
    }

    /// <summary>Build args the frontend itself reads: never "not consumed".</summary>
    private static readonly HashSet<string> FrontendArgs = new(StringComparer.Ordinal)
    {
        SourceDateEpoch.Name, Dockerfile.Syntax.FrontendDirective.BuildArgName, Dockerfile.Lint.CheckConfig.BuildArgName,
    };

    private void WarnUnusedBuildArgs(BuildOptions options, StageGraph graph)
    {
        var declared = graph.GlobalArgs.Select(a => a.Definition.Name)
            .Concat(graph.Required.SelectMany(s => s.Instructions.OfType<ArgInstruction>()).SelectMany(a => a.Args).Select(a => a.Name))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var name in options.BuildArgs.Keys.Where(k => !declared.Contains(k) && !graph.MetaScope.ContainsKey(k) && !FrontendArgs.Contains(k)).Order(StringComparer.Ordinal))
        {
            progress.OnWarning($"build argument {name} was given but not consumed by any stage the target needs");
        }
    }

    /// <summary>When the image was made: its newest history entry (its last step, from the cache records when the
    /// steps were cached), as BuildKit dates an image without SOURCE_DATE_EPOCH, so a fully cached rebuild has the
    /// same config and the same ID; the base image's own date when the build added no history.</summary>
    internal static DateTimeOffset? LastStepTime(ImageConfig config) =>
        config.History?.Where(h => h.Created is not null).Select(h => h.Created).Max() ?? config.Created;

    private async Task<StoredImage> ExportAsync(StepState state, BuildOptions options, Lease lease, CacheImports? imports, string? inlineCache,
        CancellationToken cancellationToken)
    {
        if (imports is not null)
        {
            // A stored image has all its blobs: the layers of steps answered from an imported cache come now.
            foreach (var layer in state.Layers)
            {
                await imports.EnsureAsync(layer.Blob, cancellationToken).ConfigureAwait(false);
            }
        }

        var config = WithLabels(state.Config, options.Labels) with { Created = options.SourceDateEpoch ?? LastStepTime(state.Config) };
        var configDescriptor = await store.Blobs.WriteAsync(MediaTypes.OciConfig, OciJson.Serialize(config), lease, cancellationToken).ConfigureAwait(false);
        var manifest = new ImageManifest
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciManifest,
            Config = configDescriptor,
            Layers = [.. state.Layers.Select(l => l.Blob)],
            Annotations = options.Annotations.Merge(
                inlineCache is null ? null : new Dictionary<string, string> { [CacheMediaTypes.InlineAnnotation] = inlineCache },
                AnnotationLevel.Manifest, config.Platform),
        };
        var manifestDescriptor = await store.Blobs.WriteAsync(MediaTypes.OciManifest, OciJson.Serialize(manifest), lease, cancellationToken).ConfigureAwait(false);
        manifestDescriptor = manifestDescriptor with { Platform = new Platform { Os = config.Os, Architecture = config.Architecture, Variant = config.Variant } };
        return new StoredImage(manifestDescriptor, manifest, config);
    }

    /// <summary><c>--label</c> on top of the Dockerfile's LABELs, as BuildKit sets them on the exported image.</summary>
    private static ImageConfig WithLabels(ImageConfig config, IReadOnlyDictionary<string, string> labels)
    {
        if (labels.Count == 0)
        {
            return config;
        }

        var merged = new Dictionary<string, string>(config.Config?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in labels)
        {
            merged[key] = value;
        }

        return config with { Config = (config.Config ?? new ContainerConfig()) with { Labels = merged } };
    }
}
