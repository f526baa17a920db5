using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Slipway.Testing;

namespace Slipway.Integration.Tests.Build;

/// <summary>Issue acceptance: a secret passed with --secret reaches the RUN that mounts it and nothing else — no
/// layer, config, history or cache record holds it — and mounts leave no stub in the image.</summary>
public sealed class SecretMountTests : IDisposable
{
    private const string SecretValue = "s3cr3t-9f1c2a7e";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-secret-");

    public void Dispose() => _dir.Delete(true);

    private async Task<(SlipwayRunner Runner, string Context)> PrepareAsync(string dockerfile)
    {
        Capability.RequireRoot();
        Capability.RequireTool("runc");
        var runner = new SlipwayRunner();
        await runner.OkAsync("import", Rootfs.MakeBusybox(_dir.FullName), "secret-base:1");
        var context = Directory.CreateDirectory(Path.Join(_dir.FullName, "context")).FullName;
        File.WriteAllText(Path.Join(context, "Dockerfile"), dockerfile);
        File.WriteAllText(Path.Join(_dir.FullName, "token"), SecretValue);
        return (runner, context);
    }

    [Fact]
    public async Task A_secret_reaches_its_RUN_but_no_layer_config_history_or_cache_record()
    {
        var (runner, context) = await PrepareAsync("""
            FROM secret-base:1
            RUN --mount=type=secret,id=tok cat /run/secrets/tok | wc -c > /len-file
            RUN --mount=type=secret,id=tok,env=TOK sh -c 'echo ${#TOK} > /len-env'
            RUN --mount=type=cache,target=/cache --mount=type=tmpfs,target=/scratch echo ok > /done
            """);
        using (runner)
        {
            await runner.OkAsync("build", "--progress", "plain", "--secret", $"id=tok,src={Path.Join(_dir.FullName, "token")}", "-t", "with-secret", context);
            var run = await runner.OkAsync("run", "--rm", "with-secret", "sh", "-c", "cat /len-file /len-env; ls /run /cache /scratch 2>&1; true");
            Assert.Contains("15\n15", run.Output, StringComparison.Ordinal);
            Assert.Contains("/run: No such file or directory", run.Output, StringComparison.Ordinal);
            Assert.Contains("/cache: No such file or directory", run.Output, StringComparison.Ordinal);

            var needle = Encoding.UTF8.GetBytes(SecretValue);
            foreach (var file in Directory.EnumerateFiles(runner.Root, "*", SearchOption.AllDirectories))
            {
                if (file.Contains("/snapshots/", StringComparison.Ordinal) || file.Contains("/cache-mounts/", StringComparison.Ordinal))
                {
                    continue;
                }

                Assert.False(Contains(File.ReadAllBytes(file), needle), $"secret found in {file}");
                if (file.Contains("/blobs/", StringComparison.Ordinal) && IsGzip(file))
                {
                    foreach (var (name, content) in LayerEntries(file))
                    {
                        Assert.False(Contains(content, needle), $"secret found in layer {file} at {name}");
                        Assert.False(name.StartsWith("run/", StringComparison.Ordinal), $"mount stub {name} in layer {file}");
                    }
                }
            }
        }
    }

    [Fact]
    public async Task A_missing_required_secret_fails_the_build_with_its_id()
    {
        var (runner, context) = await PrepareAsync("FROM secret-base:1\nRUN --mount=type=secret,id=npmrc,required=true cat /run/secrets/npmrc\n");
        using (runner)
        {
            var result = await runner.RunAsync("build", "--progress", "plain", context);
            Assert.Equal(1, result.Exit);
            Assert.Contains("secret npmrc not found: pass it with --secret id=npmrc,src=FILE or --secret id=npmrc,env=VAR", result.Error,
                StringComparison.Ordinal);
        }
    }

    private static bool IsGzip(string file)
    {
        using var stream = File.OpenRead(file);
        return stream.ReadByte() == 0x1f && stream.ReadByte() == 0x8b;
    }

    private static List<(string Name, byte[] Content)> LayerEntries(string file)
    {
        var entries = new List<(string, byte[])>();
        using var gzip = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            var buffer = new MemoryStream();
            entry.DataStream?.CopyTo(buffer);
            entries.Add((entry.Name, buffer.ToArray()));
        }

        return entries;
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
