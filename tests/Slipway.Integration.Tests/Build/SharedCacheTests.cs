using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Slipway.Integration.Tests.Fixtures;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Testing;

namespace Slipway.Integration.Tests.Build;

/// <summary>Issue acceptance: a build cache that travels between machines. Two store roots stand for two machines
/// sharing a registry (or a directory); the second one, empty but for its base image, builds with every step
/// CACHED and downloads only the layers its image needs.</summary>
public sealed class SharedCacheTests : IAsyncLifetime
{
    private const string MultiStage = """
        FROM busybox:1.35 AS builder
        RUN mkdir /out && cat /proc/sys/kernel/random/uuid > /out/stamp
        RUN head -c 65536 /dev/urandom > /out/builder-only
        FROM busybox:1.35
        COPY --from=builder /out/stamp /stamp
        RUN echo final > /final
        """;

    /// <summary>A builder whose copied file is the same bytes on every run (a reproducible binary) next to one
    /// that is not but stays in the builder.</summary>
    private const string Reproducible = """
        FROM busybox:1.35 AS builder
        RUN mkdir /out && echo stamp > /out/stamp
        RUN head -c 65536 /dev/urandom > /out/builder-only
        FROM busybox:1.35
        COPY --from=builder /out/stamp /stamp
        RUN echo final > /final
        """;

    private readonly TempDirectory _temp = new();
    private readonly List<BuildStore> _roots = [];
    private RegistryFixture? _registry;

    public async ValueTask InitializeAsync()
    {
        if (Environment.UserName == "root" && Capability.Which("docker-registry") is not null)
        {
            _registry = await RegistryFixture.StartAsync(RegistryAuthMode.Anonymous, cancellationToken: TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var root in _roots)
        {
            await root.DisposeAsync();
        }

        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }

        _temp.Dispose();
    }

    [Fact]
    public async Task A_second_root_builds_all_cached_from_a_registry_cache_and_fetches_only_the_final_layers()
    {
        var registry = RequireRegistry();
        var (a, b) = (await RootAsync(), await RootAsync());
        var context = Context("app", MultiStage);
        var cache = $"{registry.Host}/cache/app:max";

        var first = await a.Runner.OkAsync("build", "--progress", "plain", "-t", "app:a", "--cache-to", $"type=registry,ref={cache},mode=max", context);
        Assert.All(BuildProgress.Steps(first.Error).Where(s => s.Key.Contains(" RUN ", StringComparison.Ordinal)), s => Assert.Equal("DONE", s.Value));

        var second = BuildProgress.Steps((await b.Runner.OkAsync("build", "--progress", "plain", "-t", "app:b", "--cache-from", $"type=registry,ref={cache}", context)).Error);
        Assert.Equal(6, second.Count);
        Assert.All(second, s => Assert.Equal((s.Key, "CACHED"), (s.Key, s.Value)));
        Assert.Equal((await a.Runner.OkAsync("run", "--rm", "app:a", "cat", "/stamp")).Output, (await b.Runner.OkAsync("run", "--rm", "app:b", "cat", "/stamp")).Output);

        var builderOnly = await BuilderOnlyLayersAsync(a.Root, "app:a");
        Assert.NotEmpty(builderOnly);
        var storeB = LocalStore.Open(b.Root, TimeProvider.System);
        Assert.All(builderOnly, d => Assert.False(storeB.Blobs.Exists(d), $"{d} (a builder-stage layer) was downloaded"));
        Assert.All(Manifest(storeB, "app:b").Layers, l => Assert.True(storeB.Blobs.Exists(l.Digest)));
    }

    [Fact]
    public async Task A_local_cache_directory_carries_the_build_the_same_way()
    {
        RequireBuild();
        var (a, b) = (await RootAsync(), await RootAsync());
        var context = Context("app", MultiStage);
        var dir = Path.Join(_temp.Path, "cache-dir");

        await a.Runner.OkAsync("build", "--progress", "plain", "-t", "app:a", "--cache-to", $"type=local,dest={dir},mode=max", context);
        using (var index = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Join(dir, "index.json"), TestContext.Current.CancellationToken)))
        {
            Assert.Equal("application/vnd.slipway.cache.v1", index.RootElement.GetProperty("manifests")[0].GetProperty("artifactType").GetString());
        }

        var second = BuildProgress.Steps((await b.Runner.OkAsync("build", "--progress", "plain", "-t", "app:b", "--cache-from", $"type=local,src={dir}", context)).Error);
        Assert.Equal(6, second.Count);
        Assert.All(second, s => Assert.Equal((s.Key, "CACHED"), (s.Key, s.Value)));
        Assert.Equal((await a.Runner.OkAsync("run", "--rm", "app:a", "cat", "/stamp")).Output, (await b.Runner.OkAsync("run", "--rm", "app:b", "cat", "/stamp")).Output);
        var storeB = LocalStore.Open(b.Root, TimeProvider.System);
        Assert.All(await BuilderOnlyLayersAsync(a.Root, "app:a"), d => Assert.False(storeB.Blobs.Exists(d), $"{d} (a builder-stage layer) was copied"));
    }

    [Fact]
    public async Task A_step_that_runs_on_imported_steps_fetches_their_layers_first()
    {
        RequireBuild();
        var (a, b) = (await RootAsync(), await RootAsync());
        var dir = Path.Join(_temp.Path, "cache-dir");
        await a.Runner.OkAsync("build", "--progress", "plain", "-t", "app:a", "--cache-to", $"type=local,dest={dir},mode=max", Context("app", MultiStage));

        var edited = Context("edited", MultiStage.Replace("RUN echo final > /final", "RUN cat /stamp > /final", StringComparison.Ordinal));
        var steps = BuildProgress.Steps((await b.Runner.OkAsync("build", "--progress", "plain", "-t", "app:b", "--cache-from", $"type=local,src={dir}", edited)).Error);

        Assert.Equal("CACHED", steps["[stage-1 2/3] COPY --from=builder /out/stamp /stamp"]);
        Assert.Equal("DONE", steps["[stage-1 3/3] RUN cat /stamp > /final"]);
        Assert.Equal((await a.Runner.OkAsync("run", "--rm", "app:a", "cat", "/stamp")).Output, (await b.Runner.OkAsync("run", "--rm", "app:b", "cat", "/final")).Output);
    }

    [Fact]
    public async Task A_root_that_built_from_an_imported_cache_exports_it_whole_again()
    {
        var registry = RequireRegistry();
        var (a, b, c) = (await RootAsync(), await RootAsync(), await RootAsync());
        var context = Context("app", MultiStage);
        var (first, second) = ($"{registry.Host}/cache/relay:a", $"{registry.Host}/cache/relay:b");
        await a.Runner.OkAsync("build", "--progress", "plain", "-t", "app:a", "--cache-to", $"type=registry,ref={first},mode=max", context);
        await b.Runner.OkAsync("build", "--progress", "plain", "--cache-from", first, "--cache-to", $"type=registry,ref={second},mode=max", context);

        var steps = BuildProgress.Steps((await c.Runner.OkAsync("build", "--progress", "plain", "-t", "app:c", "--cache-from", second, context)).Error);
        Assert.All(steps, s => Assert.Equal((s.Key, "CACHED"), (s.Key, s.Value)));
        Assert.Equal((await a.Runner.OkAsync("run", "--rm", "app:a", "cat", "/stamp")).Output, (await c.Runner.OkAsync("run", "--rm", "app:c", "cat", "/stamp")).Output);
    }

    [Fact]
    public async Task Cache_mount_contents_travel_with_a_max_cache_and_seed_the_other_roots_mount()
    {
        var registry = RequireRegistry();
        var (a, b) = (await RootAsync(), await RootAsync());
        var writer = Context("writer", "FROM busybox:1.35\nRUN --mount=type=cache,target=/c echo written-by-a > /c/seen\n");
        await a.Runner.OkAsync("build", "--progress", "plain", writer);
        // Every step CACHED this time: the mount still travels.
        var cache = $"{registry.Host}/cache/mounts:1";
        await a.Runner.OkAsync("build", "--progress", "plain", "--cache-to", $"type=registry,ref={cache},mode=max", writer);

        await b.Runner.OkAsync("build", "--progress", "plain", "-t", "reader:b", "--cache-from", cache,
            Context("reader", "FROM busybox:1.35\nRUN --mount=type=cache,target=/c cat /c/seen > /seen-by-b\n"));

        Assert.Equal("written-by-a\n", (await b.Runner.OkAsync("run", "--rm", "reader:b", "cat", "/seen-by-b")).Output);
    }

    [Fact]
    public async Task A_hostile_cache_mount_layer_cannot_write_outside_the_cache_directory()
    {
        RequireBuild();
        var b = await RootAsync();
        var marker = "slipway-cache-escape-" + Guid.NewGuid().ToString("N");
        var dir = Path.Join(_temp.Path, "hostile");
        await WriteMountOnlyCacheAsync(dir, "/c", [
            ("link", TarEntryType.SymbolicLink, "/tmp"),
            ("link/" + marker, TarEntryType.RegularFile, null),
            ("../../../../tmp/" + marker + "-dotdot", TarEntryType.RegularFile, null),
        ]);

        var result = await b.Runner.RunAsync("build", "--progress", "plain", "--cache-from", $"type=local,src={dir}",
            Context("reader", "FROM busybox:1.35\nRUN --mount=type=cache,target=/c ls -la /c\n"));

        Assert.Equal(0, result.Exit);
        Assert.Contains("link -> /tmp", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/" + marker), result.Error);
        Assert.False(File.Exists("/tmp/" + marker + "-dotdot"), result.Error);
    }

    [Fact]
    public async Task Mode_min_carries_only_the_final_stage_and_mode_max_every_stage()
    {
        RequireBuild();
        var a = await RootAsync();
        var context = Context("app", Reproducible);
        var (min, max) = (Path.Join(_temp.Path, "min"), Path.Join(_temp.Path, "max"));
        await a.Runner.OkAsync("build", "--progress", "plain", "--cache-to", $"type=local,dest={min}", "--cache-to", $"type=local,dest={max},mode=max", context);
        Assert.True(RecordCount(min) < RecordCount(max), $"min {RecordCount(min)} records, max {RecordCount(max)}");

        var b = await RootAsync();
        var fromMin = BuildProgress.Steps((await b.Runner.OkAsync("build", "--progress", "plain", "--cache-from", $"type=local,src={min}", context)).Error);
        Assert.Equal("DONE", fromMin["[builder 2/3] RUN mkdir /out && echo stamp > /out/stamp"]);
        Assert.Equal("DONE", fromMin["[builder 3/3] RUN head -c 65536 /dev/urandom > /out/builder-only"]);
        // The builder made other layers but the same stamp: a copy is keyed by what it takes, so the final stage
        // comes from the cache (as in BuildKit).
        Assert.Equal("CACHED", fromMin["[stage-1 2/3] COPY --from=builder /out/stamp /stamp"]);
        Assert.Equal("CACHED", fromMin["[stage-1 3/3] RUN echo final > /final"]);

        var c = await RootAsync();
        var fromMax = BuildProgress.Steps((await c.Runner.OkAsync("build", "--progress", "plain", "--cache-from", $"type=local,src={max}", context)).Error);
        Assert.All(fromMax, s => Assert.Equal((s.Key, "CACHED"), (s.Key, s.Value)));
    }

    [Fact]
    public async Task An_inline_cache_rides_on_the_pushed_image_and_a_plain_reference_reads_it()
    {
        var registry = RequireRegistry();
        var (a, b) = (await RootAsync(), await RootAsync());
        var context = Context("single", "FROM busybox:1.35\nRUN cat /proc/sys/kernel/random/uuid > /stamp\nRUN echo more > /more\n");
        var image = $"{registry.Host}/app/inline:1";
        await a.Runner.OkAsync("build", "--progress", "plain", "-t", image, "--push", "--cache-to", "type=inline", context);

        var second = BuildProgress.Steps((await b.Runner.OkAsync("build", "--progress", "plain", "-t", "inline:b", "--cache-from", image, context)).Error);
        Assert.Equal(3, second.Count);
        Assert.All(second, s => Assert.Equal((s.Key, "CACHED"), (s.Key, s.Value)));
        Assert.Equal((await a.Runner.OkAsync("run", "--rm", image, "cat", "/stamp")).Output, (await b.Runner.OkAsync("run", "--rm", "inline:b", "cat", "/stamp")).Output);
    }

    [Fact]
    public async Task A_cache_that_is_not_there_yet_is_a_warning_and_the_build_goes_on()
    {
        var registry = RequireRegistry();
        var a = await RootAsync();
        var result = await a.Runner.OkAsync("build", "--progress", "plain", "--cache-from", $"type=registry,ref={registry.Host}/cache/none:1",
            "--cache-from", $"type=local,src={Path.Join(_temp.Path, "nothing")}", Context("single", "FROM busybox:1.35\nRUN true\n"));
        Assert.Contains("no cache at", result.Error, StringComparison.Ordinal);
        Assert.Contains("no index.json", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--cache-to", "type=s3,ref=x", "unknown cache exporter: \"s3\"")]
    [InlineData("--cache-to", "type=registry", "ref not set")]
    [InlineData("--cache-to", "type=local,mode=max", "dest not set")]
    [InlineData("--cache-to", "type=local,dest=/tmp/x,mode=mid", "invalid cache mode \"mid\"")]
    [InlineData("--cache-to", "type=inline,mode=max", "type=inline supports only mode=min")]
    [InlineData("--cache-to", "ref=x", "type required form>")]
    [InlineData("--cache-from", "type=local", "src not set")]
    [InlineData("--cache-from", "type=gha", "unknown cache importer: \"gha\"")]
    public async Task A_bad_cache_spec_is_a_clear_error(string flag, string spec, string error)
    {
        Capability.RequireRoot();
        Capability.RequireTool("runc");
        using var runner = new SlipwayRunner();
        var result = await runner.RunAsync("build", flag, spec, Context("bad", "FROM scratch\n"));
        Assert.Equal(1, result.Exit);
        Assert.Contains($"ERROR: {flag} {spec}: {error}", result.Error, StringComparison.Ordinal);
    }

    private RegistryFixture RequireRegistry()
    {
        RequireBuild();
        Capability.RequireTool("docker-registry");
        return _registry!;
    }

    private static void RequireBuild()
    {
        Capability.RequireRoot();
        Capability.RequireTool("runc");
    }

    private async Task<BuildStore> RootAsync()
    {
        var root = new BusyboxStore();
        _roots.Add(root);
        await root.InitializeAsync();
        root.Require();
        return root;
    }

    private string Context(string name, string dockerfile)
    {
        var dir = Directory.CreateDirectory(Path.Join(_temp.Path, name)).FullName;
        File.WriteAllText(Path.Join(dir, "Dockerfile"), dockerfile.ReplaceLineEndings("\n"));
        return dir;
    }

    private static ImageManifest Manifest(LocalStore store, string name)
    {
        var descriptor = store.Refs.Resolve(ImageReference.Parse(name).ToString()) ?? throw new InvalidOperationException($"{name} is not in the store");
        return OciJson.ParseManifest(File.ReadAllBytes(store.Layout.BlobPath(descriptor.Digest)));
    }

    /// <summary>The layers root A's build cache holds that its final image does not: the builder stage's.</summary>
    private static async Task<List<Digest>> BuilderOnlyLayersAsync(string root, string image)
    {
        var store = LocalStore.Open(root, TimeProvider.System);
        var final = Manifest(store, image).Layers.Select(l => l.Digest).ToHashSet();
        var layers = new List<Digest>();
        foreach (var record in Directory.EnumerateFiles(Path.Join(root, "cache"), "*.json"))
        {
            using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(record, TestContext.Current.CancellationToken));
            layers.AddRange(doc.RootElement.GetProperty("layers").EnumerateArray().Select(l => Digest.Parse(l.GetProperty("digest").GetString()!)));
        }

        return [.. layers.Distinct().Where(d => !final.Contains(d))];
    }

    /// <summary>A cache layout by hand: no records, one cache mount whose layer holds <paramref name="entries"/>.</summary>
    private static async Task WriteMountOnlyCacheAsync(string dir, string id, (string Name, TarEntryType Type, string? Link)[] entries)
    {
        var blobs = Directory.CreateDirectory(Path.Join(dir, "blobs", "sha256")).FullName;
        using var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, type, link) in entries)
            {
                var entry = new PaxTarEntry(type, name);
                if (link is not null)
                {
                    entry.LinkName = link;
                }
                else
                {
                    entry.DataStream = new MemoryStream("escaped"u8.ToArray());
                }

                await tar.WriteEntryAsync(entry);
            }
        }

        async Task<(string Digest, long Size)> Blob(byte[] bytes)
        {
            var digest = Digest.Compute(bytes);
            await File.WriteAllBytesAsync(Path.Join(blobs, digest.Hex), bytes);
            return (digest.Value, bytes.Length);
        }

        var layer = await Blob(buffer.ToArray());
        var config = await Blob(Encoding.UTF8.GetBytes(
            $$"""{"records":[],"mounts":[{"id":"{{id}}","digest":"{{layer.Digest}}","mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":{{layer.Size}}}]}"""));
        var manifest = await Blob(Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.slipway.cache.v1",
             "config":{"mediaType":"application/vnd.slipway.cache.config.v1+json","digest":"{{config.Digest}}","size":{{config.Size}}},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{layer.Digest}}","size":{{layer.Size}}}]}
            """));
        await File.WriteAllTextAsync(Path.Join(dir, "index.json"), $$"""
            {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{manifest.Digest}}","size":{{manifest.Size}},"artifactType":"application/vnd.slipway.cache.v1"}]}
            """);
    }

    private static int RecordCount(string layout)
    {
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Join(layout, "index.json")));
        var manifestDigest = Digest.Parse(index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Join(layout, "blobs", "sha256", manifestDigest.Hex)));
        var configDigest = Digest.Parse(manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Join(layout, "blobs", "sha256", configDigest.Hex)));
        return config.RootElement.GetProperty("records").GetArrayLength();
    }
}
