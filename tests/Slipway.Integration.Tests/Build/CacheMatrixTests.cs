using Slipway.Integration.Tests.Fixtures;

namespace Slipway.Integration.Tests.Build;

/// <summary>The cache-correctness matrix: for each kind of change, exactly the steps that depend on it rerun
/// (the set of executed steps is asserted, not just one of them), and the first step that reruns names the
/// change. Each case builds in its own context, so "the last build of this step" is the case's first build.</summary>
public sealed class CacheMatrixTests(BusyboxStore store) : IClassFixture<BusyboxStore>, IDisposable
{
    private readonly TempDirectory _temp = new();

    private SlipwayRunner Runner => store.Runner;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    private sealed record Case(string Dockerfile, Func<string, Task> Change, string[] Executed, string Explained, string Reason,
        string[]? FirstArgs = null, string[]? SecondArgs = null, string? ChangedDockerfile = null);

    private const string CopyRun = "FROM busybox:1.35\nCOPY a.txt /a.txt\nRUN cat /a.txt\nCOPY b.txt /b.txt\n";

    private static Case For(string name) => name switch
    {
        "content" => new(CopyRun, c => File.WriteAllTextAsync(Path.Join(c, "a.txt"), "edited\n", Token),
            ["COPY a.txt /a.txt", "RUN cat /a.txt", "COPY b.txt /b.txt"], "COPY a.txt /a.txt", "file a.txt changed content"),
        "content of a later copy" => new(CopyRun, c => File.WriteAllTextAsync(Path.Join(c, "b.txt"), "edited\n", Token),
            ["COPY b.txt /b.txt"], "COPY b.txt /b.txt", "file b.txt changed content"),
        "mode" => new(CopyRun, c => Do(() => File.SetUnixFileMode(Path.Join(c, "a.txt"), (UnixFileMode)0x1ED)),
            ["COPY a.txt /a.txt", "RUN cat /a.txt", "COPY b.txt /b.txt"], "COPY a.txt /a.txt", "file a.txt mode 644 → 755"),
        "owner" => new(CopyRun, c => Do(() => Slipway.Store.Layers.LayerNative.LChown(Path.Join(c, "a.txt"), 1000, 1000)),
            ["COPY a.txt /a.txt", "RUN cat /a.txt", "COPY b.txt /b.txt"], "COPY a.txt /a.txt", "file a.txt owner 0:0 → 1000:1000"),
        "symlink target" => new("FROM busybox:1.35\nCOPY a.txt /a.txt\nCOPY dir/ /dir/\nRUN ls -l /dir\n",
            c => Do(() =>
            {
                File.Delete(Path.Join(c, "dir", "link"));
                File.CreateSymbolicLink(Path.Join(c, "dir", "link"), "../b.txt");
            }),
            ["COPY dir/ /dir/", "RUN ls -l /dir"], "COPY dir/ /dir/", "symlink dir/link target changed: ../a.txt → ../b.txt"),
        "ARG used by a copy" => new("FROM busybox:1.35\nARG NAME=a\nCOPY ${NAME}.txt /picked.txt\nCOPY b.txt /b.txt\n", _ => Task.CompletedTask,
            ["COPY ${NAME}.txt /picked.txt", "COPY b.txt /b.txt"], "COPY ${NAME}.txt /picked.txt", "ARG NAME changed: \"a\" → \"b\"",
            SecondArgs: ["--build-arg", "NAME=b"]),
        "ARG used only by a later RUN" => new("FROM busybox:1.35\nARG LATE=1\nCOPY a.txt /a.txt\nRUN echo late=$LATE\n", _ => Task.CompletedTask,
            ["RUN echo late=$LATE"], "RUN echo late=$LATE", "ARG LATE changed: \"1\" → \"2\"", SecondArgs: ["--build-arg", "LATE=2"]),
        "ARG no step uses" => new("FROM busybox:1.35\nCOPY a.txt /a.txt\nARG UNUSED=1\nCOPY b.txt /b.txt\nLABEL x=y\n", _ => Task.CompletedTask,
            [], "", "", SecondArgs: ["--build-arg", "UNUSED=2"]),
        "ENV" => new("FROM busybox:1.35\nCOPY a.txt /a.txt\nENV MODE=one\nRUN echo $MODE\n", _ => Task.CompletedTask,
            ["ENV MODE=two", "RUN echo $MODE"], "RUN echo $MODE", "ENV MODE changed: \"one\" → \"two\"",
            ChangedDockerfile: "FROM busybox:1.35\nCOPY a.txt /a.txt\nENV MODE=two\nRUN echo $MODE\n"),
        "HEALTHCHECK" => new("FROM busybox:1.35\nCOPY a.txt /a.txt\nHEALTHCHECK CMD true\nRUN echo after\n", _ => Task.CompletedTask,
            ["HEALTHCHECK --interval=5s CMD true", "RUN echo after"], "HEALTHCHECK --interval=5s CMD true",
            "instruction changed: \"HEALTHCHECK CMD true\" → \"HEALTHCHECK --interval=5s CMD true\"",
            ChangedDockerfile: "FROM busybox:1.35\nCOPY a.txt /a.txt\nHEALTHCHECK --interval=5s CMD true\nRUN echo after\n"),
        "COPY --chmod" => new(CopyRun, _ => Task.CompletedTask,
            ["COPY --chmod=755 b.txt /b.txt"], "COPY --chmod=755 b.txt /b.txt", "flag --chmod set: \"755\"",
            ChangedDockerfile: CopyRun.Replace("COPY b.txt", "COPY --chmod=755 b.txt", StringComparison.Ordinal)),
        "dockerignore" => new("FROM busybox:1.35\nCOPY a.txt /a.txt\nCOPY app/ /app/\nRUN ls /app\n",
            c => File.WriteAllTextAsync(Path.Join(c, ".dockerignore"), "app/secret.txt\n", Token),
            ["COPY app/ /app/", "RUN ls /app"], "COPY app/ /app/", "file app/secret.txt removed: excluded by .dockerignore"),
        _ => throw new ArgumentException(name),
    };

    private static Task Do(Action action)
    {
        action();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("content")]
    [InlineData("content of a later copy")]
    [InlineData("mode")]
    [InlineData("owner")]
    [InlineData("symlink target")]
    [InlineData("ARG used by a copy")]
    [InlineData("ARG used only by a later RUN")]
    [InlineData("ARG no step uses")]
    [InlineData("ENV")]
    [InlineData("HEALTHCHECK")]
    [InlineData("COPY --chmod")]
    [InlineData("dockerignore")]
    public async Task Exactly_the_steps_that_depend_on_a_change_rerun_and_the_first_names_it(string change)
    {
        store.Require();
        var spec = For(change);
        var context = NewContext(change, spec.Dockerfile);
        await BuildAsync(context, spec.FirstArgs ?? []);

        await spec.Change(context);
        if (spec.ChangedDockerfile is { } dockerfile)
        {
            await File.WriteAllTextAsync(Path.Join(context, "Dockerfile"), dockerfile, Token);
        }

        var (steps, misses) = await BuildAsync(context, spec.SecondArgs ?? []);

        Assert.Equal(spec.Executed.Order(StringComparer.Ordinal), Executed(steps));
        Assert.All(steps.Where(s => !spec.Executed.Contains(Instruction(s.Key))), s => Assert.Equal((s.Key, "CACHED"), (s.Key, s.Value)));
        if (spec.Executed.Length > 0)
        {
            Assert.StartsWith(spec.Reason, misses.Single(m => Instruction(m.Key) == spec.Explained).Value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_new_base_image_digest_reruns_the_stage_and_says_so()
    {
        store.Require();
        foreach (var version in new[] { "1", "2" })
        {
            var baseContext = NewContext("base" + version, $"FROM busybox:1.35\nLABEL version={version}\n");
            await Runner.OkAsync("build", "--progress", "plain", "-t", "matrixbase:" + version, baseContext);
        }

        await Runner.OkAsync("tag", "matrixbase:1", "matrixbase:latest");
        var context = NewContext("retagged", "FROM matrixbase:latest\nCOPY a.txt /a.txt\nRUN cat /a.txt\n");
        await BuildAsync(context, []);
        var (again, _) = await BuildAsync(context, []);
        Assert.All(again, s => Assert.Equal((s.Key, "CACHED"), (s.Key, s.Value)));

        await Runner.OkAsync("tag", "matrixbase:2", "matrixbase:latest");
        var (steps, misses) = await BuildAsync(context, []);

        Assert.Equal(["COPY a.txt /a.txt", "FROM matrixbase:latest", "RUN cat /a.txt"], Executed(steps));
        Assert.StartsWith("base image changed: sha256:", misses.Single(m => Instruction(m.Key) == "FROM matrixbase:latest").Value, StringComparison.Ordinal);
        Assert.StartsWith("parent step changed: [stage-0 1/3] FROM matrixbase:latest (base image changed",
            misses.Single(m => Instruction(m.Key) == "RUN cat /a.txt").Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stage_rerun_by_no_cache_filter_reruns_the_steps_that_read_its_new_files()
    {
        store.Require();
        var context = NewContext("filter", "FROM busybox:1.35 AS gen\nRUN cat /proc/sys/kernel/random/uuid > /stamp\nFROM busybox:1.35\nCOPY --from=gen /stamp /stamp\nCOPY a.txt /a.txt\n");
        await BuildAsync(context, []);

        var (steps, misses) = await BuildAsync(context, ["--no-cache-filter", "gen"]);

        Assert.Equal("DONE", steps["[gen 2/2] RUN cat /proc/sys/kernel/random/uuid > /stamp"]);
        Assert.Equal("CACHED", steps["[stage-1 1/3] FROM busybox:1.35"]);
        Assert.Equal("DONE", steps["[stage-1 2/3] COPY --from=gen /stamp /stamp"]);
        Assert.Equal("DONE", steps["[stage-1 3/3] COPY a.txt /a.txt"]);
        Assert.Equal("--no-cache-filter gen", misses["[gen 2/2] RUN cat /proc/sys/kernel/random/uuid > /stamp"]);
        Assert.Equal("file /stamp from stage gen changed content", misses["[stage-1 2/3] COPY --from=gen /stamp /stamp"]);
    }

    [Fact]
    public async Task A_stage_rerun_by_no_cache_filter_that_makes_the_same_bytes_leaves_its_readers_cached()
    {
        store.Require();
        // New layers (new mtimes), the same files: a copy is keyed by what it takes, as in BuildKit.
        var context = NewContext("filter-same", "FROM busybox:1.35 AS gen\nRUN mkdir /out && echo same-bytes > /out/stamp && touch /out/other\n"
            + "FROM busybox:1.35\nCOPY --from=gen /out/stamp /stamp\nCOPY a.txt /a.txt\nRUN cat /stamp\n");
        await BuildAsync(context, []);

        var (steps, misses) = await BuildAsync(context, ["--no-cache-filter", "gen"]);

        Assert.Equal("DONE", steps["[gen 2/2] RUN mkdir /out && echo same-bytes > /out/stamp && touch /out/other"]);
        Assert.All(steps.Where(s => s.Key.StartsWith("[stage-1 ", StringComparison.Ordinal)), s => Assert.Equal((s.Key, "CACHED"), (s.Key, s.Value)));
        Assert.Equal(4, steps.Count(s => s.Key.StartsWith("[stage-1 ", StringComparison.Ordinal)));
        Assert.All(misses, m => Assert.Equal((m.Key, "--no-cache-filter gen"), (m.Key, m.Value)));
    }

    [Fact]
    public async Task A_stage_whose_inputs_changed_but_that_made_the_same_copied_bytes_leaves_its_readers_cached()
    {
        store.Require();
        var context = NewContext("stage-arg", "FROM busybox:1.35 AS gen\nARG VERSION=1\n"
            + "RUN mkdir /out && echo $VERSION > /out/version && echo built > /out/app\n"
            + "FROM busybox:1.35\nCOPY --from=gen /out/app /app\nRUN cat /app\n");
        await BuildAsync(context, []);

        var (steps, misses) = await BuildAsync(context, ["--build-arg", "VERSION=2"]);

        Assert.Equal("DONE", steps["[gen 3/3] RUN mkdir /out && echo $VERSION > /out/version && echo built > /out/app"]);
        Assert.Equal("CACHED", steps["[stage-1 2/3] COPY --from=gen /out/app /app"]);
        Assert.Equal("CACHED", steps["[stage-1 3/3] RUN cat /app"]);
        Assert.StartsWith("ARG VERSION changed", misses["[gen 3/3] RUN mkdir /out && echo $VERSION > /out/version && echo built > /out/app"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_a_copy_read_from_an_unchanged_stage_is_taken_from_its_memo_and_not_read_again()
    {
        store.Require();
        var context = NewContext("memo", "FROM busybox:1.35 AS gen\nRUN echo memo > /memo-only-here\nFROM busybox:1.35\nCOPY --from=gen /memo-only-here /m\n");
        await BuildAsync(context, []);
        var memo = Assert.Single(Directory.EnumerateFiles(Path.Join(store.Root, "cache", "fingerprints")),
            f => File.ReadAllText(f).Contains("/memo-only-here", StringComparison.Ordinal));

        // A forged memo is believed: the no-op build read it instead of mounting and walking the stage.
        await File.WriteAllBytesAsync(memo, Slipway.Build.Engine.StageFingerprints.Format(
            new Dictionary<string, string> { ["/memo-only-here"] = "f 644 0:0 " + new string('0', 64) }), Token);
        var (steps, misses) = await BuildAsync(context, []);

        Assert.Equal("CACHED", steps["[gen 2/2] RUN echo memo > /memo-only-here"]);
        Assert.Equal("DONE", steps["[stage-1 2/2] COPY --from=gen /memo-only-here /m"]);
        Assert.Equal("file /memo-only-here from stage gen changed content", misses["[stage-1 2/2] COPY --from=gen /memo-only-here /m"]);
    }

    [Fact]
    public async Task A_wildcard_copy_from_a_rerun_stage_names_the_one_file_that_changed()
    {
        store.Require();
        var context = NewContext("filter-wildcard", "FROM busybox:1.35 AS gen\n"
            + "RUN mkdir /out && echo one > /out/a.bin && cat /proc/sys/kernel/random/uuid > /out/b.bin && echo text > /out/c.txt\n"
            + "FROM busybox:1.35\nCOPY --from=gen /out/*.bin /bins/\n");
        await BuildAsync(context, []);

        var (steps, misses) = await BuildAsync(context, ["--no-cache-filter", "gen"]);

        Assert.Equal("DONE", steps["[stage-1 2/2] COPY --from=gen /out/*.bin /bins/"]);
        Assert.Equal("file /out/b.bin from stage gen changed content", misses["[stage-1 2/2] COPY --from=gen /out/*.bin /bins/"]);
    }

    [Fact]
    public async Task Explain_cache_reports_every_step_hit_or_miss_with_its_reason()
    {
        store.Require();
        var context = NewContext("report", CopyRun);
        await BuildAsync(context, []);
        // Content no other case builds: the cache is shared by every context in the store.
        await File.WriteAllTextAsync(Path.Join(context, "b.txt"), "edited for the report\n", Token);

        var log = (await Runner.OkAsync("build", "--progress", "plain", "--explain-cache", context)).Error;

        var report = log[log.IndexOf("Cache report:", StringComparison.Ordinal)..];
        Assert.True(report.Contains("  CACHED [stage-0 1/4] FROM busybox:1.35\n", StringComparison.Ordinal), report);
        Assert.True(report.Contains("  CACHED [stage-0 3/4] RUN cat /a.txt\n", StringComparison.Ordinal), report);
        Assert.True(report.Contains("  MISS   [stage-0 4/4] COPY b.txt /b.txt — file b.txt changed content\n", StringComparison.Ordinal), report);
        Assert.True(report.Contains("  3 of 4 steps cached", StringComparison.Ordinal), report);
    }

    private string NewContext(string name, string dockerfile)
    {
        var context = Path.Join(_temp.Path, name.Replace(' ', '-'));
        Directory.CreateDirectory(Path.Join(context, "dir"));
        Directory.CreateDirectory(Path.Join(context, "app"));
        File.WriteAllText(Path.Join(context, "Dockerfile"), dockerfile);
        File.WriteAllText(Path.Join(context, "a.txt"), "a\n");
        File.WriteAllText(Path.Join(context, "b.txt"), "b\n");
        File.WriteAllText(Path.Join(context, "app", "keep.txt"), "keep\n");
        File.WriteAllText(Path.Join(context, "app", "secret.txt"), "secret\n");
        File.CreateSymbolicLink(Path.Join(context, "dir", "link"), "../a.txt");
        foreach (var file in new[] { "a.txt", "b.txt", "app/keep.txt", "app/secret.txt" })
        {
            File.SetUnixFileMode(Path.Join(context, file), (UnixFileMode)0x1A4);
        }

        return context;
    }

    private async Task<(Dictionary<string, string> Steps, Dictionary<string, string> Misses)> BuildAsync(string context, string[] args)
    {
        var log = (await Runner.OkAsync(["build", "--progress", "plain", .. args, context])).Error;
        return (BuildProgress.Steps(log), BuildProgress.Misses(log));
    }

    /// <summary>The instruction of a step name: <c>[stage-0 2/4] COPY a.txt /a.txt</c> → <c>COPY a.txt /a.txt</c>.</summary>
    private static string Instruction(string step) => step[(step.IndexOf("] ", StringComparison.Ordinal) + 2)..];

    private static List<string> Executed(Dictionary<string, string> steps) =>
        [.. steps.Where(s => s.Value == "DONE").Select(s => Instruction(s.Key)).Order(StringComparer.Ordinal)];
}
