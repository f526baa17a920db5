using Slipway.Integration.Tests.Fixtures;

namespace Slipway.Integration.Tests.Build;

/// <summary>Writes through a symlink or /proc land in the image's root filesystem, never the host's, and a failed
/// build leaves nothing mounted and nothing in the store's tmp.</summary>
public sealed class ContainmentTests(BusyboxStore store) : IClassFixture<BusyboxStore>, IDisposable
{
    private readonly TempDirectory _temp = new();

    private SlipwayRunner Runner => store.Runner;

    public void Dispose() => _temp.Dispose();

    private string Context(string dockerfile, params (string Name, string Text)[] files) => _temp.Context(dockerfile, files);

    [Fact]
    public async Task A_workdir_and_a_copy_through_a_symlink_to_etc_land_in_the_images_etc()
    {
        store.Require();
        var name = "slipway-probe-" + Guid.NewGuid().ToString("N")[..12];
        var context = Context(
            $"""
            FROM busybox:1.35
            RUN ln -s /etc /link
            WORKDIR /link/{name}-dir
            COPY f /link/{name}
            RUN test -d /etc/{name}-dir && test "$(cat /etc/{name})" = inside
            """,
            ("f", "inside"));

        await Runner.OkAsync("build", "--progress", "plain", "-t", "symlinked:1", context);

        Assert.False(File.Exists("/etc/" + name), "COPY wrote into the host's /etc");
        Assert.False(Directory.Exists($"/etc/{name}-dir"), "WORKDIR made a directory in the host's /etc");
        var run = await Runner.OkAsync("run", "--rm", "symlinked:1", "cat", "/etc/" + name);
        Assert.Equal("inside\n", run.Output);
        var layers = await BuiltImage.LayerPathsAsync(Runner, "symlinked:1");
        Assert.Contains($"etc/{name}-dir", layers.SelectMany(l => l));
        Assert.Contains($"etc/{name}", layers.SelectMany(l => l));
    }

    [Fact]
    public async Task A_workdir_under_proc_self_fd_stays_in_the_root_filesystem()
    {
        store.Require();
        var name = "slipway-probe-" + Guid.NewGuid().ToString("N")[..12];
        var context = Context($"FROM busybox:1.35\nWORKDIR /proc/self/fd/5\nRUN touch {name}\n");

        var result = await Runner.RunAsync("build", "--progress", "plain", "-t", "procfd:1", context);

        // runc refuses the working directory (it is not a directory once /proc is mounted): a clear error, not a
        // crash and not a write through the runtime's own file descriptors.
        Assert.True(result.Exit is 0 or 1, result.Error);
        if (result.Exit == 1)
        {
            Assert.Contains($" > [stage-0 3/3] RUN touch {name}:\n", result.Error, StringComparison.Ordinal);
            Assert.Contains($"ERROR: failed to solve: process \"/bin/sh -c touch {name}\" did not complete successfully: exit code: 1\n", result.Error, StringComparison.Ordinal);
            Assert.Contains("/proc/self/fd/5", result.Error, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Path.Join(Environment.CurrentDirectory, name)));
        Assert.False(File.Exists("/" + name));
        Assert.DoesNotContain(Directory.EnumerateFiles(Runner.Root, name, SearchOption.AllDirectories),
            p => !p.Contains("/snapshots/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_build_leaves_nothing_mounted_and_nothing_in_tmp()
    {
        store.Require();
        var context = Context("FROM busybox:1.35\nRUN echo one > /one\nRUN exit 3\n");

        var result = await Runner.RunAsync("build", "--progress", "plain", context);

        Assert.Equal(1, result.Exit);
        var mounts = await File.ReadAllLinesAsync("/proc/self/mounts", TestContext.Current.CancellationToken);
        Assert.DoesNotContain(mounts, m => m.Contains(Runner.Root, StringComparison.Ordinal));
        var tmp = Path.Join(Runner.Root, "tmp");
        Assert.Empty(Directory.Exists(tmp) ? Directory.EnumerateFileSystemEntries(tmp) : []);
    }
}
