using Slipway.Oci;
using Slipway.Store;

namespace Slipway.Cli.Tests;

public sealed class FsckCommandTests : IDisposable
{
    private readonly string _root = Path.Join(Path.GetTempPath(), "slipway-fsck-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, true);
        }
    }

    private async Task<(int Exit, FakeEnvironment Env)> FsckAsync(params string[] args)
    {
        var env = new FakeEnvironment();
        env.Variables["HOME"] = Path.GetTempPath();
        var exit = await SlipwayApp.RunAsync(["--root", _root, "fsck", .. args], env);
        return (exit, env);
    }

    [Fact]
    public async Task A_sound_store_prints_no_problem_lines_only_the_summary_and_exits_zero()
    {
        var store = LocalStore.Open(_root, TimeProvider.System);
        await store.Blobs.WriteAsync(MediaTypes.OciConfig, "{}"u8.ToArray(), TestContext.Current.CancellationToken);

        var (exit, env) = await FsckAsync();

        Assert.Equal(0, exit);
        Assert.Equal("", env.Out.ToString());
        Assert.Equal("checked 1 blobs, 0 snapshots, 0 refs: 0 problems\n", env.Error.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_corrupt_blob_is_one_line_and_exit_one_and_repair_removes_it_and_exits_zero()
    {
        var store = LocalStore.Open(_root, TimeProvider.System);
        var blob = await store.Blobs.WriteAsync(MediaTypes.OciConfig, "{}"u8.ToArray(), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(store.Layout.BlobPath(blob.Digest), "{ }", TestContext.Current.CancellationToken);
        var line = $"blob {blob.Digest} corrupt: its content hashes to {Digest.Compute("{ }"u8)}";

        var (exit, env) = await FsckAsync();
        var (repairExit, repairEnv) = await FsckAsync("--repair");
        var (afterExit, _) = await FsckAsync();

        Assert.Equal(1, exit);
        Assert.Equal(line + "\n", env.Out.ToString().ReplaceLineEndings("\n"));
        Assert.Equal(0, repairExit);
        Assert.Equal(line + "; removed\n", repairEnv.Out.ToString().ReplaceLineEndings("\n"));
        Assert.Contains("1 problems, 1 repaired", repairEnv.Error.ToString(), StringComparison.Ordinal);
        Assert.False(store.Blobs.Exists(blob.Digest));
        Assert.Equal(0, afterExit);
    }
}
