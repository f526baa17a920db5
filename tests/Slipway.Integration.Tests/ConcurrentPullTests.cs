using System.Diagnostics;
using System.Security.Cryptography;
using Slipway.Oci;
using Slipway.Testing;

namespace Slipway.Integration.Tests;

/// <summary>Issue acceptance: two slipway processes pulling the same image into one store root at once both succeed
/// and leave the store consistent.</summary>
public sealed class ConcurrentPullTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-concurrent-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public async Task Two_processes_pulling_the_same_image_into_one_root_both_succeed()
    {
        Capability.RequireTool("docker-registry");
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await RegistryFixture.StartAsync(RegistryAuthMode.Anonymous, cancellationToken: ct);
        using (var client = RemoteImages.Client(registry.Host))
        {
            // Several layers of some size, so the two pulls overlap on the same blobs.
            var layers = Enumerable.Range(0, 4)
                .Select(i => FakeLayer.Of(($"layer{i}.bin", RandomNumberGenerator.GetBytes(1 << 20))))
                .ToList();
            var manifest = await RemoteImages.PushImageAsync(client, "test/shared", Platform.Host.Architecture, layers,
                cancellationToken: ct);
            await RemoteImages.TagAsync(client, "test/shared", "1", manifest, ct);
        }

        var root = Path.Join(_dir.FullName, "root");
        var reference = $"{registry.Host}/test/shared:1";
        var results = await Task.WhenAll(RunSlipwayAsync(root, "pull", reference), RunSlipwayAsync(root, "pull", reference));
        foreach (var (exit, output) in results)
        {
            Assert.True(exit == 0, $"slipway pull exited {exit}: {output}");
        }

        var names = StoreCheck.AssertConsistent(root);
        Assert.Equal([ImageReference.Parse(reference).ToString()], names.Keys);
        using var runner = new SlipwayRunner(root);
        await runner.OkAsync("inspect", reference);
    }

    /// <summary>Runs the built CLI (slipway.dll sits next to the test binary) as its own process.</summary>
    private async Task<(int Exit, string Output)> RunSlipwayAsync(string root, params string[] args)
    {
        var dll = Path.Join(AppContext.BaseDirectory, "slipway.dll");
        Assert.True(File.Exists(dll), $"the built CLI is missing: {dll}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])[dll, "--root", root, .. args])
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["HOME"] = _dir.FullName;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}
