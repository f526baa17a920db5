using System.Diagnostics;
using Slipway.Store.Snapshots;
using Slipway.Testing;

namespace Slipway.Integration.Tests.Build;

/// <summary>Issue 12 item 15: kill -9 or a signal in the middle of a RUN left the step's overlay mount and its runc
/// container behind, and every later prune failed with "Device or resource busy". A signal now stops the container
/// and unmounts before the process exits; prune reclaims what kill -9 leaves.</summary>
public sealed class InterruptedBuildTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-interrupted-");

    public void Dispose() => _dir.Delete(true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<SlipwayRunner> PrepareAsync()
    {
        Capability.RequireRoot();
        Capability.RequireTool("runc");
        var runner = new SlipwayRunner(Path.Join(_dir.FullName, "root"));
        await runner.OkAsync("import", Rootfs.MakeBusybox(_dir.FullName), "interrupted-base:1");
        return runner;
    }

    private string Context(string dockerfile)
    {
        var context = Directory.CreateDirectory(Path.Join(_dir.FullName, "ctx-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        File.WriteAllText(Path.Join(context, "Dockerfile"), dockerfile);
        return context;
    }

    /// <summary>Starts <c>slipway build</c> as its own process and returns once its RUN step has printed
    /// <c>started</c>: the container is running on the step's overlay mount.</summary>
    private async Task<SlipwayRunner.Spawned> StartBuildInRunAsync(SlipwayRunner runner)
    {
        var context = Context("FROM interrupted-base:1\nRUN echo started && sleep 30\n");
        var build = runner.Start("build", "--progress", "plain", "-t", "interrupted", context);
        var started = new TaskCompletionSource();
        build.Line += line =>
        {
            if (line.EndsWith("started", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        };

        // A line printed before the handler was attached is in Output already.
        if (build.Output.Contains("started\n", StringComparison.Ordinal))
        {
            started.TrySetResult();
        }

        var exited = build.Process.WaitForExitAsync(Ct);
        await Task.WhenAny(started.Task, exited);
        Assert.True(started.Task.IsCompleted, $"the build ended before its RUN started: {build.Output}");
        return build;
    }

    /// <summary>The RUN networks (pasta pid files) the store knows of: each names a namespace in /run/netns.</summary>
    private static List<string> Networks(string root)
    {
        var dir = Path.Join(root, "runtime", "pasta");
        return Directory.Exists(dir) ? [.. Directory.EnumerateFiles(dir).Select(Path.GetFileNameWithoutExtension).OfType<string>()] : [];
    }

    private static void AssertNothingLeft(string root)
    {
        Assert.Empty(OverlayMount.MountsUnder(root));
        Assert.Empty(StoreCheck.Containers(root));
        Assert.Empty(Networks(root));
        var tmp = Path.Join(root, "tmp");
        Assert.True(!Directory.Exists(tmp) || !Directory.EnumerateFileSystemEntries(tmp).Any(),
            $"left in tmp/: {string.Join(", ", Directory.Exists(tmp) ? Directory.EnumerateFileSystemEntries(tmp) : [])}");
    }

    [Fact]
    public async Task After_kill_9_in_the_middle_of_a_run_prune_removes_the_mount_and_the_container_and_the_next_build_works()
    {
        using var runner = await PrepareAsync();
        using (var build = await StartBuildInRunAsync(runner))
        {
            build.Process.Kill();
            await build.Process.WaitForExitAsync(Ct);
        }

        // What the killed process left: the step's overlay is still mounted.
        Assert.NotEmpty(OverlayMount.MountsUnder(runner.Root));
        var networks = Networks(runner.Root);
        Assert.NotEmpty(networks);

        var pruned = await runner.OkAsync("prune", "-f");
        Assert.Contains("Reclaimed 1 workspaces", pruned.Output, StringComparison.Ordinal);
        AssertNothingLeft(runner.Root);
        Assert.All(networks, name => Assert.False(File.Exists("/run/netns/" + name), $"network namespace {name} was left"));
        await runner.OkAsync("prune", "-a", "-f");

        await runner.OkAsync("build", "--progress", "plain", "-t", "after", Context("FROM interrupted-base:1\nRUN echo after > /after\n"));
        Assert.Contains("after", (await runner.OkAsync("run", "--rm", "after", "cat", "/after")).Output, StringComparison.Ordinal);
        AssertNothingLeft(runner.Root);
    }

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("HUP", 129)]
    [InlineData("INT", 130)]
    public async Task A_signal_in_the_middle_of_a_run_stops_the_container_and_unmounts_before_exit(string signal, int expectedExit)
    {
        using var runner = await PrepareAsync();
        using (var build = await StartBuildInRunAsync(runner))
        {
            using (var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", build.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
            {
                await kill.WaitForExitAsync(Ct);
            }

            await build.Process.WaitForExitAsync(Ct);
            Assert.True(build.Process.ExitCode == expectedExit, $"exit {build.Process.ExitCode}: {build.Output}");
        }

        // Nothing to prune: the process cleaned up before it exited.
        AssertNothingLeft(runner.Root);
        await runner.OkAsync("build", "--progress", "plain", "-t", "after", Context("FROM interrupted-base:1\nRUN echo after > /after\n"));
    }
}
