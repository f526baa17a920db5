using System.Net.Http;

namespace Slipway.Integration.Tests.Containers;

/// <summary>What the container tests check around a run: free ports, a server's answer, and that nothing of a
/// store's containers is left (runtime containers, mounts, pasta, supervisors).</summary>
internal static class ContainerChecks
{
    /// <summary>Force-removes every container of the store, as a test class's teardown does.</summary>
    public static async Task RemoveAllAsync(SlipwayRunner runner)
    {
        var containers = Path.Join(runner.Root, "containers");
        foreach (var dir in Directory.Exists(containers) ? Directory.GetDirectories(containers) : [])
        {
            var id = Path.GetFileName(dir);
            if (!id.StartsWith('.'))
            {
                await runner.RunAsync("rm", "-f", id);
            }
        }
    }

    /// <summary>No runtime container, network namespace, overlay mount, pasta or supervisor of this store is left.</summary>
    public static void AssertNothingLeft(SlipwayRunner runner)
    {
        var runcState = Path.Join(runner.Root, "runtime", "runc");
        Assert.Empty(Directory.Exists(runcState) ? Directory.GetDirectories(runcState) : []);
        Assert.DoesNotContain(runner.Root, File.ReadAllText("/proc/mounts"), StringComparison.Ordinal);
        var pidFiles = Path.Join(runner.Root, "runtime", "pasta");
        Assert.Empty(Directory.Exists(pidFiles) ? Directory.GetFiles(pidFiles) : []);
        // A supervisor lets go of its lock and then exits: the exit may come a moment after the container is gone.
        for (var attempt = 0; attempt < 100 && Supervisors(runner).Count > 0; attempt++)
        {
            Thread.Sleep(100);
        }

        Assert.Empty(Supervisors(runner));
    }

    /// <summary>The supervisor processes of this store's containers.</summary>
    public static List<int> Supervisors(SlipwayRunner runner) =>
        [.. Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(p => p!.All(char.IsAsciiDigit)).Select(int.Parse!)
            .Where(pid =>
            {
                try
                {
                    var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
                    return cmdline.Contains(runner.Root, StringComparison.Ordinal) && cmdline.Contains("container-supervise", StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
            })];

    /// <summary>A port free on the host right now (the kernel's choice).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether the host port can be bound again: nothing listens on it any more.</summary>
    public static bool PortIsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public static async Task<string> GetAsync(int port, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        Exception? last = null;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                return await http.GetStringAsync($"http://127.0.0.1:{port}/", ct);
            }
            catch (HttpRequestException ex)
            {
                last = ex;
                await Task.Delay(100, ct);
            }
        }

        throw new InvalidOperationException($"nothing answered on port {port}", last);
    }
}
