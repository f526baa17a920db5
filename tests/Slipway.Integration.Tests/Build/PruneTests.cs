using Slipway.Testing;

namespace Slipway.Integration.Tests.Build;

/// <summary>Issue acceptance for store hygiene: prune by size and age removes build cache but never what an image
/// (tagged or dangling) or a running build needs.</summary>
public sealed class PruneTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-prune-");

    public void Dispose() => _dir.Delete(true);

    private async Task<SlipwayRunner> PrepareAsync()
    {
        Capability.RequireRoot();
        Capability.RequireTool("runc");
        var runner = new SlipwayRunner();
        await runner.OkAsync("import", Rootfs.MakeBusybox(_dir.FullName), "prune-base:1");
        return runner;
    }

    private string Context(string name, string dockerfile)
    {
        var context = Directory.CreateDirectory(Path.Join(_dir.FullName, name)).FullName;
        File.WriteAllText(Path.Join(context, "Dockerfile"), dockerfile);
        return context;
    }

    private static int Records(SlipwayRunner runner) =>
        Directory.Exists(Path.Join(runner.Root, "cache")) ? Directory.GetFiles(Path.Join(runner.Root, "cache"), "*.json").Length : 0;

    [Fact]
    public async Task Keep_storage_zero_removes_the_build_cache_and_the_dangling_image_but_the_named_one_still_inspects_saves_and_runs()
    {
        using var runner = await PrepareAsync();
        await runner.OkAsync("build", "--progress", "plain", "-t", "one", Context("one", """
            FROM prune-base:1 AS tools
            RUN head -c 300000 /dev/urandom > /big
            FROM prune-base:1
            COPY --from=tools /big /big-copy
            RUN --mount=type=cache,target=/c echo cached > /c/x && echo one > /one
            """));
        var iid = Path.Join(_dir.FullName, "two.iid");
        await runner.OkAsync("build", "--progress", "plain", "--iidfile", iid, Context("two", "FROM prune-base:1\nRUN echo two > /two\n"));
        var dangling = File.ReadAllText(iid).Trim();
        Assert.True(Records(runner) > 0);

        var pruned = await runner.OkAsync("prune", "-f", "--keep-storage", "0");
        // As docker system prune: the dangling image goes too.
        Assert.StartsWith($"Deleted Images:\ndeleted: {dangling}\n\n", pruned.Output, StringComparison.Ordinal);
        Assert.Contains("Total reclaimed space: ", pruned.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Total reclaimed space: 0B", pruned.Output, StringComparison.Ordinal);
        Assert.Equal(0, Records(runner));
        Assert.Empty(Directory.GetDirectories(Path.Join(runner.Root, "cache-mounts")));

        await runner.OkAsync("inspect", "one");
        Assert.Equal($"ERROR: No such image: {dangling}\n", (await runner.RunAsync("inspect", "--type", "image", dangling)).Error.ReplaceLineEndings("\n"));
        await runner.OkAsync("save", "-o", Path.Join(_dir.FullName, "one.tar"), "one");
        Assert.Contains("one", (await runner.OkAsync("run", "--rm", "one", "cat", "/one")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Until_keeps_records_used_recently_and_removes_older_ones()
    {
        using var runner = await PrepareAsync();
        await runner.OkAsync("build", "--progress", "plain", "-t", "aged", Context("aged", "FROM prune-base:1\nRUN echo a > /a\nRUN echo b > /b\n"));
        var before = Records(runner);
        Assert.True(before >= 2);

        await runner.OkAsync("prune", "-f", "--filter", "until=1h");
        Assert.Equal(before, Records(runner));

        var old = Directory.GetFiles(Path.Join(runner.Root, "cache"), "*.json")[0];
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddDays(-2));
        await runner.OkAsync("prune", "-f", "--filter", "until=24h");
        Assert.Equal(before - 1, Records(runner));
        Assert.False(File.Exists(old));
        await runner.OkAsync("inspect", "aged");
    }

    [Fact]
    public async Task A_build_running_during_prune_all_keeps_its_lease_and_finishes_with_a_working_image()
    {
        using var runner = await PrepareAsync();
        var context = Context("slow", "FROM prune-base:1\nRUN head -c 100000 /dev/urandom > /a && echo first > /first\nRUN sleep 4\nRUN cat /first > /b\n");
        var build = runner.RunAsync("build", "--progress", "plain", "-t", "slow", context);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Records(runner) < 2 && !build.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.False(build.IsCompleted, "the build finished before prune could run alongside it");
        await runner.OkAsync("prune", "-a", "-f");
        var result = await build;
        Assert.True(result.Exit == 0, result.Error);
        await runner.OkAsync("save", "-o", Path.Join(_dir.FullName, "slow.tar"), "slow");
        Assert.Contains("first", (await runner.OkAsync("run", "--rm", "slow", "cat", "/b")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_keep_storage_cap_in_the_store_config_is_applied_when_a_build_grows_the_cache()
    {
        using var runner = await PrepareAsync();
        File.WriteAllText(Path.Join(runner.Root, "config.json"), """{"gc": {"keepStorage": "100KB"}}""");
        await runner.OkAsync("build", "--progress", "plain", "-t", "capped", Context("capped", """
            FROM prune-base:1 AS tools
            RUN head -c 500000 /dev/urandom > /big
            FROM prune-base:1
            COPY --from=tools /big /copy
            RUN echo done > /done
            """));
        // The tools stage's 500 kB layer was only cache: it went; the base layer and the image's copy of it stay.
        var big = Directory.GetFiles(Path.Join(runner.Root, "blobs", "sha256")).Count(b => new FileInfo(b).Length > 400_000);
        Assert.True(big == 2, $"{big} big blobs; cache records: {Records(runner)}");
        await runner.OkAsync("save", "-o", Path.Join(_dir.FullName, "capped.tar"), "capped");
        Assert.Contains("done", (await runner.OkAsync("run", "--rm", "capped", "cat", "/done")).Output, StringComparison.Ordinal);
    }
}
