using System.Buffers.Binary;
using System.Text.Json;
using Slipway.Integration.Tests.Fixtures;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Testing;

namespace Slipway.Integration.Tests.Build;

/// <summary>Issue acceptance: go-web cross-compiled for linux/amd64 and linux/arm64 in one build and pushed as one
/// index, as <c>docker buildx build --platform linux/amd64,linux/arm64 --push</c> makes it.</summary>
public sealed class MultiPlatformBuildTests(GolangStore store) : IClassFixture<GolangStore>, IAsyncLifetime
{
    private const ushort Aarch64 = 183;
    private const ushort X8664 = 62;
    private readonly TempDirectory _temp = new();
    private RegistryFixture? _registry;

    private SlipwayRunner Runner => store.Runner;

    public async ValueTask InitializeAsync()
    {
        if (Environment.UserName == "root" && Capability.Which("docker-registry") is not null)
        {
            _registry = await RegistryFixture.StartAsync(RegistryAuthMode.Anonymous, cancellationToken: TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }

        _temp.Dispose();
    }

    [Fact]
    public async Task Go_web_for_two_platforms_is_pushed_as_one_index_and_a_rebuild_is_all_cached()
    {
        store.Require();
        Capability.RequireTool("docker-registry");
        Capability.RequireTool("skopeo");
        var context = BuildStore.CopyExample("go-web", _temp.Path);
        var name = $"{_registry!.Host}/go-web:multi";

        var metadata = Path.Join(_temp.Path, "metadata.json");
        var first = await Runner.OkAsync("build", "--progress", "plain", "--platform", "linux/amd64,linux/arm64", "-t", name, "--push", "--sbom",
            "--metadata-file", metadata, context);
        var steps = BuildProgress.Steps(first.Error);
        // The builder runs on the build platform for both targets: its steps before the TARGET* ARGs are one step.
        Assert.Equal("DONE", steps["[linux/amd64->arm64 builder 7/7] RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags=\"-s -w\" -o /out/web ."]);
        Assert.Equal("DONE", steps["[linux/amd64 builder 7/7] RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags=\"-s -w\" -o /out/web ."]);
        Assert.Contains("[linux/arm64 stage-1 2/5] COPY --from=builder /out/web /web", steps.Keys);

        var text = await Tool.RunAsync("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + name);
        var raw = JsonDocument.Parse(text).RootElement;
        Assert.Equal(MediaTypes.OciIndex, raw.GetProperty("mediaType").GetString());
        var platforms = raw.GetProperty("manifests").EnumerateArray()
            .Select(m => m.GetProperty("platform")).Select(p => $"{p.GetProperty("os").GetString()}/{p.GetProperty("architecture").GetString()}").ToList();
        // Each platform's image, then (with --sbom) an attestation manifest for each, as buildx pushes them.
        Assert.Equal(["linux/amd64", "linux/arm64"], platforms.Where(p => p.StartsWith("linux/", StringComparison.Ordinal)));
        Assert.Equal(2, platforms.Count(p => p == "unknown/unknown"));
        using (var meta = JsonDocument.Parse(await File.ReadAllTextAsync(metadata, TestContext.Current.CancellationToken)))
        {
            // skopeo may end the raw manifest with a newline of its own.
            Assert.Contains(meta.RootElement.GetProperty("containerimage.digest").GetString(),
                new[] { text, text.TrimEnd('\n') }.Select(t => Digest.Compute(System.Text.Encoding.UTF8.GetBytes(t)).Value));
        }

        // The store's -t name holds the index too.
        var local = LocalStore.Open(store.Root, TimeProvider.System).Refs.Resolve(ImageReference.Parse(name).ToString());
        Assert.NotNull(local);
        Assert.True(MediaTypes.IsIndex(local.MediaType), local.MediaType);

        // Each platform's image runs from the index: arm64's through binfmt emulation, as the issue's walkthrough does.
        Assert.Equal("hello from a slipway-built image\n", (await Runner.OkAsync("run", "--rm", "--platform", "linux/amd64", name, "-once")).Output);
        var emulation = Slipway.Runtime.Emulation.Emulators.Detect().CannotRun(Platform.Linux("arm64"));
        Capability.Require(emulation is null, emulation ?? "");
        Assert.Equal("hello from a slipway-built image\n", (await Runner.OkAsync("run", "--rm", "--platform", "linux/arm64", name, "-once")).Output);

        // Again, into a directory: every step CACHED, and each platform's filesystem in its folder.
        var dest = Path.Join(_temp.Path, "out");
        var again = BuildProgress.Steps((await Runner.OkAsync("build", "--progress", "plain", "--platform", "linux/amd64", "--platform", "linux/arm64",
            "-o", $"type=local,dest={dest}", context)).Error);
        Assert.NotEmpty(again);
        Assert.All(again, s => Assert.Equal((s.Key, "CACHED"), (s.Key, s.Value)));
        Assert.Equal(Aarch64, ElfMachine(Path.Join(dest, "linux_arm64", "web")));
        Assert.Equal(X8664, ElfMachine(Path.Join(dest, "linux_amd64", "web")));
    }

    [Fact]
    public async Task Load_of_two_platforms_fails_before_the_build_as_buildx_does()
    {
        store.Require();
        var result = await Runner.RunAsync("build", "--platform", "linux/amd64,linux/arm64", "--load", BuildStore.Example("go-web"));
        Assert.Equal(1, result.Exit);
        Assert.Equal("ERROR: docker exporter does not currently support exporting manifest lists\n", result.Error);
    }

    /// <summary>An ELF file's e_machine (62 x86-64, 183 AArch64).</summary>
    private static ushort ElfMachine(string path)
    {
        var header = File.ReadAllBytes(path).AsSpan(0, 20);
        Assert.True(header[..4].SequenceEqual("\u007fELF"u8), path + " is not an ELF file");
        return BinaryPrimitives.ReadUInt16LittleEndian(header[18..]);
    }
}
