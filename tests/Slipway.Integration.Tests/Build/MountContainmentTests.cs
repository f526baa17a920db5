using System.Text.Json;
using Slipway.Testing;

namespace Slipway.Integration.Tests.Build;

/// <summary>Issue acceptance: a bind mount source or a cache id that tries to escape through <c>..</c> or a symlink
/// stays inside the context, the stage or the cache root; plus cache seeding, locked caches and zstd layers.</summary>
public sealed class MountContainmentTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-mounts-");

    public void Dispose() => _dir.Delete(true);

    private async Task<(SlipwayRunner Runner, string Context)> PrepareAsync(string dockerfile)
    {
        Capability.RequireRoot();
        Capability.RequireTool("runc");
        var runner = new SlipwayRunner();
        await runner.OkAsync("import", Rootfs.MakeBusybox(_dir.FullName), "mount-base:1");
        var context = Directory.CreateDirectory(Path.Join(_dir.FullName, "context")).FullName;
        File.WriteAllText(Path.Join(context, "Dockerfile"), dockerfile);
        return (runner, context);
    }

    [Fact]
    public async Task A_context_bind_source_through_a_symlink_to_etc_is_not_the_hosts_etc()
    {
        var (runner, context) = await PrepareAsync("FROM mount-base:1\nRUN --mount=type=bind,source=hostetc,target=/m cat /m/passwd\n");
        using (runner)
        {
            File.CreateSymbolicLink(Path.Join(context, "hostetc"), "/etc");
            var result = await runner.RunAsync("build", "--progress", "plain", context);
            Assert.Equal(1, result.Exit);
            Assert.Contains("not found", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("root:x:0:0", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_read_write_bind_of_a_single_file_is_writable_and_its_changes_are_discarded()
    {
        var (runner, context) = await PrepareAsync("""
            FROM mount-base:1 AS other
            RUN echo stage > /f
            FROM mount-base:1
            RUN --mount=type=bind,source=file,target=/f,rw echo changed >> /f && cat /f > /from-context
            RUN --mount=type=bind,from=other,source=/f,target=/g,rw echo changed >> /g && cat /g > /from-stage
            """);
        using (runner)
        {
            File.WriteAllText(Path.Join(context, "file"), "context\n");
            await runner.OkAsync("build", "--progress", "plain", "-t", "rwfile", context);
            Assert.Equal("context\nchanged\n", (await runner.OkAsync("run", "--rm", "rwfile", "cat", "/from-context")).Output);
            Assert.Equal("stage\nchanged\n", (await runner.OkAsync("run", "--rm", "rwfile", "cat", "/from-stage")).Output);
            Assert.Equal("context\n", File.ReadAllText(Path.Join(context, "file")));
        }
    }

    [Fact]
    public async Task A_stage_bind_source_climbing_with_dotdot_reads_the_stages_own_file()
    {
        var (runner, context) = await PrepareAsync("""
            FROM mount-base:1 AS other
            FROM mount-base:1
            RUN --mount=type=bind,from=other,source=../../../../etc/passwd,target=/p cp /p /copied
            """);
        using (runner)
        {
            await runner.OkAsync("build", "--progress", "plain", "-t", "bound", context);
            var copied = (await runner.OkAsync("run", "--rm", "bound", "cat", "/copied")).Output;
            Assert.Contains("nobody:x:65534", copied, StringComparison.Ordinal);
            Assert.NotEqual(File.ReadAllText("/etc/passwd").Trim(), copied.Trim());
        }
    }

    [Fact]
    public async Task A_cache_id_with_dotdot_stays_in_the_cache_root()
    {
        var marker = "slipway-escape-" + Guid.NewGuid().ToString("N");
        var (runner, context) = await PrepareAsync(
            $"FROM mount-base:1\nRUN --mount=type=cache,id=../../../../../tmp/{marker},target=/c echo x > /c/written\n");
        using (runner)
        {
            await runner.OkAsync("build", "--progress", "plain", context);
            Assert.False(Directory.Exists(Path.Join("/tmp", marker)));
            Assert.Single(Directory.GetFiles(Path.Join(runner.Root, "cache-mounts"), "written", SearchOption.AllDirectories));
        }
    }

    [Fact]
    public async Task A_cache_seeded_from_a_stage_and_locked_is_shared_between_runs_and_zstd_layers_work()
    {
        var (runner, context) = await PrepareAsync("""
            FROM mount-base:1 AS seed
            RUN mkdir -p /seed && echo seeded > /seed/s
            FROM mount-base:1
            RUN --mount=type=cache,id=c1,target=/c,from=seed,source=/seed,sharing=locked cat /c/s > /got && echo more >> /c/s
            """);
        using (runner)
        {
            await runner.OkAsync("build", "--progress", "plain", "--compression", "zstd", "-t", "seeded", context);
            Assert.Equal("seeded", (await runner.OkAsync("run", "--rm", "seeded", "cat", "/got")).Output.Trim());
            using var doc = JsonDocument.Parse((await runner.OkAsync("inspect", "-f", "{{json .RootFS}}", "seeded")).Output);
            var stored = await runner.OkAsync("save", "--format", "oci-layout", "-o", Path.Join(_dir.FullName, "layout"), "seeded");
            Assert.Equal(0, stored.Exit);
            var manifests = Directory.GetFiles(Path.Join(_dir.FullName, "layout", "blobs", "sha256"))
                .Select(File.ReadAllText)
                .Where(t => t.Contains("\"layers\"", StringComparison.Ordinal));
            Assert.Contains(manifests, m => m.Contains("application/vnd.oci.image.layer.v1.tar+zstd", StringComparison.Ordinal));

            await runner.OkAsync("build", "--progress", "plain", "--no-cache", "-t", "seeded2", context);
            Assert.Equal("seeded\nmore", (await runner.OkAsync("run", "--rm", "seeded2", "cat", "/got")).Output.Trim());
        }
    }
}
