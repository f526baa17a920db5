using System.Text.RegularExpressions;
using Slipway.Build.Definition;
using Slipway.Build.Engine;
using Slipway.Build.Pipeline;
using Slipway.Oci;
using Slipway.Solver;
using Slipway.Store;
using Slipway.Store.Layers;
using Slipway.Store.Snapshots;
using Slipway.Testing;

namespace Slipway.Build.Tests.Pipeline;

/// <summary>A build for several platforms over the seams' stand-ins: one image per platform and an index of them,
/// a builder stage on the build platform run once for every target, and a RUN this machine cannot run refused
/// before anything runs.</summary>
public sealed class MultiPlatformBuilderTests : IDisposable
{
    private const string Dockerfile = """
        FROM --platform=$BUILDPLATFORM scratch AS builder
        RUN --network=none ["/bin/make", "/out.txt"]
        FROM scratch
        COPY --from=builder /out.txt /out.txt
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-mp-");
    private readonly LocalStore _store;
    private readonly string _context;

    public MultiPlatformBuilderTests()
    {
        _store = LocalStore.Open(Path.Join(_dir.FullName, "store"), TimeProvider.System);
        _context = Directory.CreateDirectory(Path.Join(_dir.FullName, "context")).FullName;
    }

    public void Dispose() => _dir.Delete(true);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private sealed class Progress : IBuildProgress
    {
        public List<string> Names { get; } = [];

        public void OnEvent(SolveEvent solveEvent)
        {
            lock (Names)
            {
                Names.Add($"{solveEvent.Vertex.Name} {solveEvent.State}");
            }
        }

        public void OnOutput(StepVertex vertex, string line)
        {
        }

        public void OnWarning(string message)
        {
        }
    }

    private static FakeContainerRuntime Make() => new((process, _) =>
    {
        process.WriteFile(process.Spec.Process.Args[1], "made");
        return Task.FromResult(0);
    });

    /// <summary>Without root a process can give files only to itself: COPY says so, as the other fakes tests do.</summary>
    private static string Owned(string dockerfile) => LayerNative.IsRoot ? dockerfile
        : Regex.Replace(dockerfile, "^(FROM [^\n]*\n)", $"$1USER {LayerNative.EffectiveUserId}:{LayerNative.EffectiveUserId}\n", RegexOptions.Multiline)
            .Replace("COPY ", $"COPY --chown={LayerNative.EffectiveUserId}:{LayerNative.EffectiveUserId} ", StringComparison.Ordinal);

    private Task<BuildResult> BuildAsync(FakeContainerRuntime runtime, Progress progress, Func<Platform, string?>? canRun = null,
        string dockerfile = Dockerfile)
    {
        var builder = new Builder(_store, null, progress) { Snapshotter = new CopyingSnapshotter(_store), Runtime = runtime };
        var source = new DefinitionSource { ContextDir = _context, Platforms = [Platform.Parse("linux/amd64"), Platform.Parse("linux/arm64")] };
        var options = new BuildOptions { Source = source, RuntimePath = "fake", Tags = [ImageReference.Parse("app:multi")], CanRun = canRun };
        return builder.BuildAsync(BuildDefinition.Create(Owned(dockerfile), source), options, Token);
    }

    [Fact]
    public async Task Two_platforms_make_an_image_each_and_an_index_the_tag_names()
    {
        var runtime = Make();
        var progress = new Progress();

        var result = await BuildAsync(runtime, progress);

        Assert.Equal(["linux/amd64", "linux/arm64"], result.Images.Select(i => i.Config.Platform.ToString()));
        Assert.NotNull(result.Index);
        Assert.Equal(result.Images.Select(i => i.ManifestDescriptor.Digest), result.Index.Index.Manifests.Select(m => m.Digest));
        Assert.Equal(result.Index.Descriptor.Digest, _store.Refs.Resolve(ImageReference.Parse("app:multi").ToString())!.Digest);
        // The builder runs on the build platform for both targets: one RUN, the other target's copy CACHED.
        var run = Assert.Single(runtime.Runs);
        Assert.Contains(progress.Names, n => n.StartsWith("[linux/arm64 stage-1 2/2] COPY --from=builder", StringComparison.Ordinal));
        Assert.Equal(1, progress.Names.Count(n => n.Contains("builder 2/2] RUN --network=none", StringComparison.Ordinal) && n.EndsWith(" Cached", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_run_on_a_platform_this_machine_cannot_run_fails_before_any_step_at_its_line()
    {
        var runtime = Make();
        var progress = new Progress();

        var other = Platform.Host.Architecture == "amd64" ? "linux/arm64" : "linux/amd64";

        var error = await Assert.ThrowsAsync<BuildException>(() => BuildAsync(runtime, progress,
            p => p.ToString() == Platform.Host.ToString() ? null : $"no emulator for {p}", "FROM scratch\nRUN [\"/bin/make\", \"/x\"]\n"));

        Assert.Equal($"Dockerfile:2: RUN in stage stage-0 needs {other}, which this machine cannot run: no emulator for {other}", error.Message);
        Assert.Empty(progress.Names);
        Assert.Empty(runtime.Runs);
    }
}
