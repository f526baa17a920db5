using System.Security.Cryptography;
using Slipway.Oci;
using Slipway.Testing;

namespace Slipway.Integration.Tests;

/// <summary>Issue 12 item 4: <c>prune -a</c> running beside a build or a pull removed blobs the operation had just
/// written, leaving a tagged image whose layer was gone or a name pointing at a missing manifest. Each round runs
/// the operation while prunes run back to back, then checks that every name leads to a complete image and that
/// <c>slipway fsck</c> finds nothing wrong.</summary>
public sealed class PruneRaceTests : IDisposable
{
    private const int Rounds = 20;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-prune-race-");

    public void Dispose() => _dir.Delete(true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Runs <paramref name="operation"/> with <c>prune -a -f</c> looping beside it until it ends.</summary>
    private static async Task<SlipwayRunner.Result[]> RaceAsync(SlipwayRunner runner, Func<Task<SlipwayRunner.Result[]>> operation)
    {
        var work = operation();
        var prunes = 0;
        do
        {
            await runner.OkAsync("prune", "-a", "-f");
            prunes++;
        }
        while (!work.IsCompleted);

        Assert.True(prunes > 0);
        return await work;
    }

    [Fact]
    public async Task Builds_racing_prune_all_end_with_every_tagged_image_complete()
    {
        Capability.RequireRoot();
        Capability.RequireTool("runc");
        using var runner = new SlipwayRunner(Path.Join(_dir.FullName, "root"));
        await runner.OkAsync("import", Rootfs.MakeBusybox(_dir.FullName), "race-base:1");
        // Every build also prunes the cache when it ends, as a store with a size cap does.
        File.WriteAllText(Path.Join(runner.Root, "config.json"), """{"gc": {"keepStorage": "1KB"}}""");

        for (var round = 0; round < Rounds; round++)
        {
            var builds = Enumerable.Range(0, 2).Select(i =>
            {
                var context = Directory.CreateDirectory(Path.Join(_dir.FullName, $"ctx-{round}-{i}")).FullName;
                File.WriteAllText(Path.Join(context, "f"), $"round {round} build {i}\n");
                File.WriteAllText(Path.Join(context, "Dockerfile"), "FROM race-base:1\nCOPY f /f\nRUN cat /f > /g\n");
                return (Tag: $"race:{round}-{i}", Context: context);
            }).ToList();
            var results = await RaceAsync(runner, () => Task.WhenAll(builds.Select(b => runner.RunAsync("build", "--progress", "plain", "-t", b.Tag, b.Context))));
            Assert.All(results, r => Assert.True(r.Exit == 0, r.Error));
            var names = StoreCheck.AssertConsistent(runner.Root);
            await runner.AssertStoreVerifiesAsync($"after round {round}");
            Assert.All(builds, b => Assert.Contains(ImageReference.Parse(b.Tag).ToString(), names.Keys));
        }

        var last = (await runner.OkAsync("run", "--rm", $"race:{Rounds - 1}-1", "cat", "/g")).Output;
        Assert.Contains($"round {Rounds - 1} build 1", last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pulls_racing_prune_all_end_with_every_name_leading_to_a_complete_image()
    {
        Capability.RequireTool("docker-registry");
        await using var registry = await RegistryFixture.StartAsync(RegistryAuthMode.Anonymous, cancellationToken: Ct);
        using (var client = RemoteImages.Client(registry.Host))
        {
            var layers = Enumerable.Range(0, 3).Select(i => FakeLayer.Of(($"layer{i}.bin", RandomNumberGenerator.GetBytes(256 << 10)))).ToList();
            var manifest = await RemoteImages.PushImageAsync(client, "test/raced", Platform.Host.Architecture, layers, cancellationToken: Ct);
            await RemoteImages.TagAsync(client, "test/raced", "1", manifest, Ct);
        }

        using var runner = new SlipwayRunner(Path.Join(_dir.FullName, "root"));
        var reference = $"{registry.Host}/test/raced:1";
        for (var round = 0; round < Rounds; round++)
        {
            // Nothing of the image is left, so each pull writes every blob again while prunes run.
            await runner.RunAsync("rmi", reference);
            await runner.OkAsync("prune", "-a", "-f");
            var results = await RaceAsync(runner, async () => [await runner.RunAsync("pull", reference)]);
            Assert.True(results[0].Exit == 0, results[0].Error);
            var names = StoreCheck.AssertConsistent(runner.Root);
            await runner.AssertStoreVerifiesAsync($"after round {round}");
            Assert.Contains(ImageReference.Parse(reference).ToString(), names.Keys);
        }
    }
}
