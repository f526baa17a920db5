using System.Diagnostics;
using System.Globalization;
using Slipway.Oci;
using Slipway.Store.Snapshots;
using Slipway.Testing;

namespace Slipway.Integration.Tests;

/// <summary>Issue 12, acceptance: <c>kill -9</c> at random points of pull, build, push and prune. After each kill the
/// store verifies, the next prune leaves no mount and no container, and the same command run again succeeds.
/// The kill points come from a fixed seed, as fractions of how long the command last took to finish unkilled, so a
/// failing trial can be found again (the machine's speed still moves them a little).</summary>
public sealed class KillTrialTests : IDisposable
{
    private const int Trials = 30;
    private const int Seed = 12;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-kill-trials-");

    public void Dispose() => _dir.Delete(true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private enum Kind
    {
        Pull,
        Build,
        Push,
        Prune,
    }

    /// <summary>A context whose COPY and RUN are never cached: each has its own 1 MiB of data to write as a layer.</summary>
    private string Context(string name, Random data, string dockerfile)
    {
        var context = Directory.CreateDirectory(Path.Join(_dir.FullName, name)).FullName;
        File.WriteAllBytes(Path.Join(context, "data"), RandomBytes(data, 1 << 20));
        File.WriteAllText(Path.Join(context, "Dockerfile"), dockerfile);
        return context;
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private const string BuildDockerfile = "FROM kill-base:1\nCOPY data /data\nRUN cat /data /data > /twice && sleep 0.5 && echo ran > /ran\n";

    [Fact]
    public async Task Kill_9_at_random_points_of_pull_build_push_and_prune_leaves_a_store_that_verifies_and_works()
    {
        Capability.RequireRoot();
        Capability.RequireTool("runc");
        Capability.RequireTool("docker-registry");
        await using var registry = await RegistryFixture.StartAsync(RegistryAuthMode.Anonymous, cancellationToken: Ct);
        var pulled = $"{registry.Host}/test/killed-pull:1";
        using (var client = RemoteImages.Client(registry.Host))
        {
            var layers = Enumerable.Range(0, 4).Select(i => FakeLayer.Of(($"layer{i}.bin", RandomBytes(new Random(Seed + i), 512 << 10)))).ToList();
            var manifest = await RemoteImages.PushImageAsync(client, "test/killed-pull", Platform.Host.Architecture, layers, cancellationToken: Ct);
            await RemoteImages.TagAsync(client, "test/killed-pull", "1", manifest, Ct);
        }

        using var runner = new SlipwayRunner(Path.Join(_dir.FullName, "root"));
        await runner.OkAsync("import", Rootfs.MakeBusybox(_dir.FullName), "kill-base:1");

        // A kill before the runtime has started the command's own code tests nothing; the points are drawn mostly
        // after it. The first start is cold, so the fastest of a few is taken.
        var starts = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            starts.Add(await KillAfterAsync(runner, ["images"], Timeout.InfiniteTimeSpan) ?? TimeSpan.Zero);
        }

        var startup = starts.Min();

        var killed = 0;
        var points = new Random(Seed);
        var data = new Random(Seed + 1);
        // How long each kind took when it was not killed; the first trials of a kind may land past its end.
        var took = Enum.GetValues<Kind>().ToDictionary(k => k, _ => TimeSpan.FromSeconds(4));
        var log = TestContext.Current.TestOutputHelper;
        for (var trial = 0; trial < Trials; trial++)
        {
            var kind = (Kind)(trial % 4);
            string[] command;
            switch (kind)
            {
                case Kind.Pull:
                    // Nothing of the image is left, so the pull downloads and unpacks every layer.
                    await runner.RunAsync("rmi", pulled);
                    await runner.OkAsync("prune", "-a", "-f");
                    command = ["pull", pulled];
                    break;
                case Kind.Build:
                    command = ["build", "--progress", "plain", "-t", $"killed-build:{trial}", Context($"build-{trial}", data, BuildDockerfile)];
                    break;
                case Kind.Push:
                    var pushed = $"{registry.Host}/test/killed-push:{trial}";
                    await runner.OkAsync("build", "--progress", "plain", "-t", pushed,
                        Context($"push-{trial}", data, "FROM kill-base:1\nCOPY data /data\n"));
                    command = ["push", pushed];
                    break;
                default:
                    // Cache records, snapshots and layers of an image no longer named: all of it is prune -a's to remove.
                    await runner.OkAsync("build", "--progress", "plain", "-t", "garbage", Context($"prune-{trial}", data, BuildDockerfile));
                    await runner.OkAsync("rmi", "garbage");
                    command = ["prune", "-a", "-f"];
                    break;
            }

            // At most 80 % of the window goes to startup, so that some kills land while the command works however slow
            // the machine is.
            var skip = Math.Clamp(startup / took[kind], 0, 0.8);
            var delay = took[kind] * (skip + ((1 - skip) * points.NextDouble()));
            var finished = await KillAfterAsync(runner, command, delay);
            if (finished is { } duration)
            {
                took[kind] = duration;
            }
            else
            {
                killed++;
            }

            log?.WriteLine($"trial {trial}: {kind} at {delay.TotalMilliseconds:F0} ms: {(finished is null ? "killed" : $"had finished after {finished.Value.TotalMilliseconds:F0} ms")}");

            log?.WriteLine(await AssertRecoversAsync(runner, trial, kind, command));
        }

        log?.WriteLine($"startup {startup.TotalMilliseconds:F0} ms; {killed} of {Trials} commands killed, the others had finished");
    }

    /// <summary>Runs <paramref name="command"/> as its own process and kills it with SIGKILL after
    /// <paramref name="delay"/>. Returns null if it was killed, or how long it took if it finished first (it must
    /// have succeeded).</summary>
    private static async Task<TimeSpan?> KillAfterAsync(SlipwayRunner runner, string[] command, TimeSpan delay)
    {
        var clock = Stopwatch.StartNew();
        using var process = runner.Start(command);
        var exited = process.Process.WaitForExitAsync(Ct);
        if (await Task.WhenAny(exited, Task.Delay(delay, Ct)) != exited)
        {
            process.Process.Kill();
            await process.Process.WaitForExitAsync(Ct);
            return null;
        }

        Assert.True(process.Process.ExitCode == 0,
            $"slipway {string.Join(' ', command)} exited {process.Process.ExitCode.ToString(CultureInfo.InvariantCulture)} unkilled: {process.Output}");
        return clock.Elapsed;
    }

    /// <summary>Returns what the prune after the kill reclaimed, for the log.</summary>
    private static async Task<string> AssertRecoversAsync(SlipwayRunner runner, int trial, Kind kind, string[] command)
    {
        var what = $"trial {trial} ({kind})";
        // What a kill leaves is never a blob, snapshot or name fsck rejects, even before a prune.
        await runner.AssertStoreVerifiesAsync($"in {what} after the kill");

        var pruned = (await runner.OkAsync("prune", "-f")).Output;
        Assert.True(OverlayMount.MountsUnder(runner.Root) is [], $"{what}: mounts left after prune: {string.Join(", ", OverlayMount.MountsUnder(runner.Root))}");
        Assert.True(StoreCheck.Containers(runner.Root) is [], $"{what}: containers left after prune: {string.Join(", ", StoreCheck.Containers(runner.Root))}");
        await runner.AssertStoreVerifiesAsync($"in {what} after prune");

        var again = await runner.RunAsync(command);
        Assert.True(again.Exit == 0, $"{what}: slipway {string.Join(' ', command)} after the kill exited {again.Exit}: {again.Error}{again.Output}");
        if (kind == Kind.Build)
        {
            var ran = await runner.OkAsync("run", "--rm", $"killed-build:{trial}", "cat", "/ran");
            Assert.Contains("ran", ran.Output, StringComparison.Ordinal);
        }

        await runner.AssertStoreVerifiesAsync($"in {what} after the command ran again");
        return string.Join(" / ", pruned.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("deleted:", StringComparison.Ordinal)));
    }
}
