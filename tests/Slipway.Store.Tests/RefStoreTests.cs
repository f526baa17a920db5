using System.Diagnostics;
using Slipway.Oci;
using Slipway.Testing;

namespace Slipway.Store.Tests;

public class RefStoreTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Descriptor Target(string name) =>
        Descriptor.For(MediaTypes.OciManifest, System.Text.Encoding.UTF8.GetBytes(name));

    [Fact]
    public async Task A_ref_can_be_set_resolved_listed_and_deleted()
    {
        var refs = _temp.Store.Refs;
        var ct = TestContext.Current.CancellationToken;
        Assert.Empty(refs.List());
        Assert.Null(await refs.SetAsync("docker.io/library/alpine:latest", Target("a"), ct));
        Assert.Equal(Target("a"), await refs.SetAsync("docker.io/library/alpine:latest", Target("b"), ct));
        await refs.SetAsync("localhost:5000/x:1", Target("c"), ct);
        Assert.Equal(Target("b"), refs.Resolve("docker.io/library/alpine:latest"));
        Assert.Equal(["docker.io/library/alpine:latest", "localhost:5000/x:1"], refs.List().Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Target("c"), await refs.DeleteAsync("localhost:5000/x:1", ct));
        Assert.Null(await refs.DeleteAsync("localhost:5000/x:1", ct));
        Assert.Null(refs.Resolve("localhost:5000/x:1"));
    }

    [Fact]
    public async Task Ref_updates_replace_the_index_atomically_and_leave_no_temp_files()
    {
        var ct = TestContext.Current.CancellationToken;
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => _temp.Store.Refs.SetAsync("r" + i, Target("t" + i), ct))));
        Assert.Equal(20, _temp.Store.Refs.List().Count);
        Assert.Equal(["lock", "refs.json"], Directory.EnumerateFiles(_temp.Root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_change_that_changes_nothing_does_not_rewrite_the_index()
    {
        var ct = TestContext.Current.CancellationToken;
        var refs = _temp.Store.Refs;
        await refs.SetAsync("a", Target("a"), ct);
        var file = Path.Join(_temp.Root, "refs.json");
        var inode = Slipway.Store.Layers.LayerNative.LStat(file)!.Value.Inode;

        await refs.SetAsync("a", Target("a"), ct);
        await refs.DeleteAsync("not-there", ct);

        // Every write replaces the file by a rename, so the same inode means no write happened.
        Assert.Equal(inode, Slipway.Store.Layers.LayerNative.LStat(file)!.Value.Inode);
        await refs.SetAsync("a", Target("b"), ct);
        Assert.NotEqual(inode, Slipway.Store.Layers.LayerNative.LStat(file)!.Value.Inode);
    }

    [Fact]
    public void A_damaged_index_is_reported_not_silently_emptied()
    {
        File.WriteAllText(Path.Join(_temp.Root, "refs.json"), "{not json");
        var error = Assert.Throws<InvalidDataException>(() => _temp.Store.Refs.List());
        Assert.Contains("refs.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_processes_mutating_refs_at_once_lose_no_update()
    {
        var helper = Path.Join(AppContext.BaseDirectory, "Slipway.Store.ProcessHelper.dll");
        Capability.Require(File.Exists(helper), "needs the Slipway.Store.ProcessHelper build output beside the tests");
        var dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var ct = TestContext.Current.CancellationToken;

        using var other = Process.Start(new ProcessStartInfo(dotnet, [helper, _temp.Root, "other-", "40"]) { UseShellExecute = false })!;
        for (var i = 0; i < 40; i++)
        {
            await _temp.Store.Refs.SetAsync("mine-" + i, Target("mine-" + i), ct);
        }

        await other.WaitForExitAsync(ct);
        Assert.Equal(0, other.ExitCode);
        var names = _temp.Store.Refs.List().Keys.ToHashSet();
        Assert.Equal(80, names.Count);
        Assert.Contains("other-39", names);
        Assert.Contains("mine-39", names);
    }

    [Fact]
    public async Task The_store_lock_excludes_another_process_holding_it()
    {
        var flock = Capability.RequireTool("flock");
        var ct = TestContext.Current.CancellationToken;
        var lockFile = Path.Join(_temp.Root, "lock");
        var ready = Path.Join(_temp.Root, "held");
        // The command gets no copy of the locked descriptor (-o): only the flock process holds the lock.
        using var other = Process.Start(new ProcessStartInfo(flock, ["-x", "-o", lockFile, "sh", "-c", $"touch {ready}; sleep 30"]) { UseShellExecute = false })!;
        try
        {
            while (!File.Exists(ready))
            {
                await Task.Delay(20, ct);
            }

            Assert.False(StoreLock.TryAcquire(lockFile, out _));
            var slow = LocalStore.Open(_temp.Root, TimeProvider.System, TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAsync<TimeoutException>(() => slow.Refs.SetAsync("x", Target("x"), ct));
        }
        finally
        {
            other.Kill(entireProcessTree: true);
            await other.WaitForExitAsync(ct);
        }

        // -o keeps the lock in flock itself, so it is released once that process is gone.
        using var held = StoreLock.Acquire(lockFile, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Two_lock_handles_in_one_process_exclude_each_other()
    {
        var lockFile = Path.Join(_temp.Root, "lock");
        Assert.True(StoreLock.TryAcquire(lockFile, out var first));
        Assert.False(StoreLock.TryAcquire(lockFile, out _));
        first!.Dispose();
        Assert.True(StoreLock.TryAcquire(lockFile, out var second));
        second!.Dispose();
    }
}
