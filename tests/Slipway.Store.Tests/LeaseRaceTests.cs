using System.Diagnostics;
using System.Text;
using Slipway.Testing;

namespace Slipway.Store.Tests;

/// <summary>Issue 12 item 4: a collection running beside a writer removed blobs the writer had just made visible
/// (committed before they joined its lease) and took a new lease's lock file for a dead process's.</summary>
public class LeaseRaceTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One operation: a fresh lease, a fresh blob written under it, checked while the lease holds it.</summary>
    private async Task WriteUnderNewLeaseAsync(int round)
    {
        using var lease = _temp.Store.CreateLease();
        var blob = await _temp.Blobs.WriteAsync("application/octet-stream", Encoding.UTF8.GetBytes($"round {round} {Guid.NewGuid()}"), lease, Ct);
        Assert.True(_temp.Blobs.Exists(blob.Digest), $"round {round}: {blob.Digest} was collected while its lease held it");
        Assert.Contains(blob.Digest, lease.Digests);
    }

    [Fact]
    public async Task Blobs_written_under_new_leases_survive_collections_running_alongside_in_another_thread()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var collections = 0;
        var collector = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await _temp.Store.CollectGarbageAsync(cancellationToken: CancellationToken.None);
                collections++;
                // A breath between collections, as between two prunes: the writer's lock back-off can get in.
                await Task.Delay(1, CancellationToken.None);
            }
        }, CancellationToken.None);
        try
        {
            for (var round = 0; round < 200; round++)
            {
                await WriteUnderNewLeaseAsync(round);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await collector;
        }

        Assert.True(collections > 0);
    }

    [Fact]
    public async Task Blobs_written_under_new_leases_survive_collections_running_alongside_in_another_process()
    {
        var helper = Path.Join(AppContext.BaseDirectory, "Slipway.Store.ProcessHelper.dll");
        Capability.Require(File.Exists(helper), "needs the Slipway.Store.ProcessHelper build output beside the tests");
        var dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";

        using var collector = Process.Start(new ProcessStartInfo(dotnet, [helper, "gc", _temp.Root, "2000"]) { UseShellExecute = false })!;
        var rounds = 0;
        while (!collector.HasExited)
        {
            await WriteUnderNewLeaseAsync(rounds++);
        }

        await collector.WaitForExitAsync(Ct);
        Assert.Equal(0, collector.ExitCode);
    }
}
