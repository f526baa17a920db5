using System.Text.RegularExpressions;
using Slipway.Build.Definition;
using Slipway.Build.Engine;
using Slipway.Build.Pipeline;
using Slipway.Store.Images;
using Slipway.Runtime.Spec;
using Slipway.Solver;
using Slipway.Store;
using Slipway.Store.Layers;
using Slipway.Store.Snapshots;
using Slipway.Testing;

namespace Slipway.Build.Tests.Pipeline;

/// <summary>Whole builds over the seams' stand-ins, without root: snapshots made by copying, RUN steps carried out
/// by a delegate against the step's root filesystem.</summary>
public sealed class BuilderOverFakesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-fakes-");
    private readonly Clock _clock = new() { Now = TimeProvider.System.GetUtcNow() };
    private readonly LocalStore _store;
    private readonly string _context;

    public BuilderOverFakesTests()
    {
        _store = LocalStore.Open(Path.Join(_dir.FullName, "store"), _clock);
        _context = Directory.CreateDirectory(Path.Join(_dir.FullName, "context")).FullName;
        File.WriteAllText(Path.Join(_context, "hello.txt"), "hello");
    }

    public void Dispose() => _dir.Delete(true);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>The store's clock, which a test moves on between builds.</summary>
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class Progress : IBuildProgress
    {
        public List<string> Output { get; } = [];

        public void OnEvent(SolveEvent solveEvent)
        {
        }

        public void OnOutput(StepVertex vertex, string line) => Output.Add(line);

        public void OnWarning(string message)
        {
        }
    }

    private static uint Me => LayerNative.EffectiveUserId;

    /// <summary>As root, what COPY and WORKDIR make belongs to root, as in any build; a process without root can give
    /// files only to itself, so there each stage runs as the current user and COPY says so.</summary>
    private static string Owned(string dockerfile) => LayerNative.IsRoot ? dockerfile
        : Regex.Replace(dockerfile, "^(FROM [^\n]*\n)", $"$1USER {Me}:{Me}\n", RegexOptions.Multiline).Replace("COPY ", $"COPY --chown={Me}:{Me} ", StringComparison.Ordinal);

    private async Task<StoredImage> BuildAsync(string dockerfile, FakeContainerRuntime runtime, Progress? progress = null,
        Func<BuildOptions, BuildOptions>? with = null)
    {
        var builder = new Builder(_store, null, progress ?? new Progress()) { Snapshotter = new CopyingSnapshotter(_store), Runtime = runtime };
        var source = new DefinitionSource { ContextDir = _context };
        var definition = BuildDefinition.Create(Owned(dockerfile), source);
        var options = new BuildOptions { Source = source, RuntimePath = "fake" };
        var result = await builder.BuildAsync(definition, with?.Invoke(options) ?? options, Token);
        return result.Image;
    }

    /// <summary>The image's filesystem: its layers applied in order.</summary>
    private async Task<List<string>> TreeAsync(StoredImage image)
    {
        var layers = image.Manifest.Layers.Select((l, i) => new LayerRef(l, image.Config.RootFs.DiffIds[i])).ToList();
        using var view = await new CopyingSnapshotter(_store).ViewAsync(_store.Layout.NewTmpPath(), layers, Token);
        return [.. Directory.EnumerateFileSystemEntries(view.Path, "*", new EnumerationOptions { RecurseSubdirectories = true })
            .Select(p => Path.GetRelativePath(view.Path, p) + (Directory.Exists(p) ? "/" : "=" + File.ReadAllText(p)))
            .Order(StringComparer.Ordinal)];
    }

    private const string Dockerfile = "FROM scratch\nCOPY hello.txt /hello.txt\nENV GREETING=hi\nWORKDIR /app\n"
        + "RUN --network=none [\"/bin/make\", \"out.txt\"]\n";

    private static FakeContainerRuntime Make() => new((process, _) =>
    {
        process.WriteFile(process.Spec.Process.Args[1], process.Env("GREETING") ?? "unset");
        process.Out("made " + process.Spec.Process.Args[1]);
        return Task.FromResult(0);
    });

    [Fact]
    public async Task Copy_env_workdir_and_run_make_an_image_whose_layers_hold_what_each_step_wrote()
    {
        var runtime = Make();
        var progress = new Progress();

        var image = await BuildAsync(Dockerfile, runtime, progress);

        Assert.Equal(3, image.Manifest.Layers.Count);
        Assert.Equal(["app/", "app/out.txt=hi", "hello.txt=hello"], await TreeAsync(image));
        var run = Assert.Single(runtime.Runs);
        Assert.Equal(["/bin/make", "out.txt"], run.Process.Args);
        Assert.Contains("GREETING=hi", run.Process.Env);
        Assert.Equal("/app", run.Process.WorkingDir);
        Assert.Equal(NetworkMode.None, run.Process.Network);
        Assert.Equal(LayerNative.IsRoot ? 0u : Me, run.Process.Uid);
        Assert.StartsWith(Workspace.ContainerPrefix, run.Id, StringComparison.Ordinal);
        Assert.Contains("made out.txt", progress.Output);
        Assert.Empty(runtime.Containers(""));
    }

    [Fact]
    public async Task A_global_ARG_SOURCE_DATE_EPOCH_dates_the_image_and_its_history_as_BuildKit_does()
    {
        var image = await BuildAsync("ARG SOURCE_DATE_EPOCH=1700000000\nFROM scratch\nCOPY hello.txt /hello.txt\n", Make());

        var epoch = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        Assert.Equal(epoch, image.Config.Created);
        Assert.All(image.Config.History!, h => Assert.Equal(epoch, h.Created));
        Assert.Equal("/", image.Config.Config!.WorkingDir);
    }

    [Fact]
    public async Task A_RUN_for_a_platform_this_machine_cannot_run_fails_before_anything_runs_with_the_reason()
    {
        var runtime = Make();
        var error = await Assert.ThrowsAsync<BuildException>(() => BuildAsync(Dockerfile, runtime,
            with: o => o with { CanRun = p => $"no binfmt_misc handler for {p} binaries is registered" }));
        var copyOnly = await BuildAsync("FROM scratch\nCOPY hello.txt /hello.txt\n", runtime,
            with: o => o with { CanRun = _ => "never runs" });

        Assert.Matches(@":\d+: RUN in stage stage-0 needs linux/\w+, which this machine cannot run: no binfmt_misc handler for linux/\w+ binaries is registered$", error.Message);
        Assert.Empty(runtime.Runs);
        Assert.Single(copyOnly.Manifest.Layers);
    }

    [Fact]
    public async Task A_second_build_of_the_same_steps_comes_from_the_cache_without_running_anything()
    {
        var runtime = Make();
        var first = await BuildAsync(Dockerfile, runtime);

        var second = await BuildAsync(Dockerfile, runtime);

        Assert.Single(runtime.Runs);
        Assert.Equal(first.Manifest.Layers, second.Manifest.Layers);
    }

    [Fact]
    public async Task A_failing_run_names_its_step_its_exit_code_and_its_last_output()
    {
        var runtime = new FakeContainerRuntime((process, _) =>
        {
            process.Out("compiling");
            process.Err("boom");
            return Task.FromResult(2);
        });

        const string dockerfile = "FROM scratch\nRUN --network=none [\"/bin/cc\"]\n";

        var error = await Assert.ThrowsAsync<RunFailedException>(() => BuildAsync(dockerfile, runtime));

        Assert.Contains("RUN --network=none", error.Step, StringComparison.Ordinal);
        Assert.Equal(2, error.ExitCode);
        Assert.Contains("exit code: 2", error.Message, StringComparison.Ordinal);
        Assert.Equal(["compiling", "boom"], error.OutputTail);
        // Without root, Owned adds a USER line after FROM: the RUN is wherever it stands in what was built.
        Assert.Equal(Owned(dockerfile).Split('\n').ToList().FindIndex(l => l.StartsWith("RUN ", StringComparison.Ordinal)) + 1, error.Span.StartLine);
    }

    [Fact]
    public async Task A_run_reads_a_stage_through_a_bind_mount_and_only_its_own_writes_reach_the_layer()
    {
        var runtime = new FakeContainerRuntime((process, _) =>
        {
            process.WriteFile("/copied.txt", File.ReadAllText(process.HostPath("/mnt/hello.txt")));
            return Task.FromResult(0);
        });
        var dockerfile = "FROM scratch AS data\nCOPY hello.txt /data/hello.txt\n"
            + "FROM scratch\nRUN --network=none --mount=type=bind,from=data,source=/data,target=/mnt [\"/bin/copy\"]\n";

        var image = await BuildAsync(dockerfile, runtime);

        Assert.Equal(["copied.txt=hello"], await TreeAsync(image));
        var bind = Assert.Single(Assert.Single(runtime.Runs).Mounts, m => m.Destination == "/mnt");
        Assert.Equal(["rbind", "ro"], bind.Options);
    }

    [Fact]
    public async Task The_builds_run_settings_reach_every_run_and_its_labels_and_annotations_the_image()
    {
        var hosts = new List<string>();
        var runtime = new FakeContainerRuntime((process, _) =>
        {
            hosts.Add(File.ReadAllText(process.Spec.Mounts.Single(m => m.Destination == "/etc/hosts").Source!));
            return Task.FromResult(0);
        });
        var limits = new StepLimits { ShmSize = 1 << 27, Ulimits = [new Ulimit("nofile", 10, 20)], CgroupParent = "ci" };
        BuildOptions With(BuildOptions o) => o with
        {
            AddHosts = [new HostEntry("db", System.Net.IPAddress.Parse("10.0.0.5"))],
            Limits = limits,
            Labels = new Dictionary<string, string> { ["team"] = "build", ["kept"] = "flag" },
            Annotations = Slipway.Oci.ImageAnnotations.TryParse(["a=1", "index:b=2"], out var a, out _) ? a : throw new InvalidOperationException(),
        };

        var image = await BuildAsync("FROM scratch\nLABEL kept=dockerfile other=x\nRUN --network=none [\"/bin/true\"]\n", runtime, with: With);

        Assert.Equal(limits, Assert.Single(runtime.Runs).Process.Limits);
        Assert.EndsWith("ip6-loopback\n10.0.0.5\tdb\n", Assert.Single(hosts), StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, string> { ["kept"] = "flag", ["other"] = "x", ["team"] = "build" }, image.Config.Config!.Labels);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1" }, image.Manifest.Annotations);
    }

    [Fact]
    public async Task A_changed_run_setting_misses_the_cache_of_every_run()
    {
        var runtime = Make();
        await BuildAsync(Dockerfile, runtime);

        await BuildAsync(Dockerfile, runtime, with: o => o with { Limits = new StepLimits { Ulimits = [new Ulimit("nofile", 10, 10)] } });
        await BuildAsync(Dockerfile, runtime, with: o => o with { AddHosts = [new HostEntry("db", System.Net.IPAddress.Loopback)] });

        Assert.Equal(3, runtime.Runs.Count);
    }

    [Fact]
    public async Task A_fully_cached_rebuild_later_gives_the_same_manifest_and_config_so_the_same_image_id()
    {
        var runtime = Make();
        var built = _clock.Now;
        var first = await BuildAsync(Dockerfile, runtime);
        _clock.Now = built.AddHours(3);

        var second = await BuildAsync(Dockerfile, runtime);

        Assert.Single(runtime.Runs);
        Assert.Equal(first.ManifestDescriptor.Digest, second.ManifestDescriptor.Digest);
        Assert.Equal(first.Manifest.Config.Digest, second.Manifest.Config.Digest);
        Assert.Equal(first.Id, second.Id);
        // Dated by its last step, as BuildKit dates an image: when that step was built, not when it was last cached.
        Assert.Equal(built, second.Config.Created);
        Assert.All(second.Config.History!, h => Assert.Equal(built, h.Created));
    }

    [Fact]
    public async Task A_rebuild_after_a_change_gets_a_new_image_id_dated_by_the_steps_that_ran_again()
    {
        var runtime = Make();
        var built = _clock.Now;
        var first = await BuildAsync(Dockerfile, runtime);
        _clock.Now = built.AddHours(3);
        File.WriteAllText(Path.Join(_context, "hello.txt"), "hello again");

        var second = await BuildAsync(Dockerfile, runtime);

        Assert.Equal(2, runtime.Runs.Count);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(built.AddHours(3), second.Config.Created);
    }
}
