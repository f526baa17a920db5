using System.Formats.Tar;
using System.Text.Json;
using Slipway.Integration.Tests.Fixtures;
using Slipway.Testing;

namespace Slipway.Integration.Tests.Build;

/// <summary>buildx's RUN flags on a real build: what a RUN sees of <c>--add-host</c>, <c>--ulimit</c>,
/// <c>--shm-size</c> and <c>--network=none</c>, and <c>--label</c> in the image it makes.</summary>
public sealed class RunFlagsTests(BusyboxStore store) : IClassFixture<BusyboxStore>, IDisposable
{
    private readonly TempDirectory _temp = new();

    private SlipwayRunner Runner => store.Runner;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_run_sees_the_added_hosts_its_ulimits_its_shm_size_and_no_network()
    {
        store.Require();
        var context = Directory.CreateDirectory(Path.Join(_temp.Path, "ctx")).FullName;
        // A unique echo first: no other build's cache answers this step.
        await File.WriteAllTextAsync(Path.Join(context, "Dockerfile"), "FROM busybox:1.35\n"
            + $"RUN echo {Guid.NewGuid():N} && cat /etc/hosts && echo \"nofile=$(ulimit -n):$(ulimit -Hn)\" && grep ' /dev/shm ' /proc/mounts "
            + "&& echo \"ifaces=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\\n' ,)\"\n", TestContext.Current.CancellationToken);

        var result = await Runner.OkAsync("build", "--progress", "plain", "--add-host", "db.internal:10.1.2.3", "--add-host", "v6=[2001:db8::7]",
            "--ulimit", "nofile=1024:2048", "--shm-size", "128m", "--network=none", "--label", "org.example.flags=yes", "-t", "run-flags:1", context);

        Assert.Contains("10.1.2.3\tdb.internal\n", result.Error, StringComparison.Ordinal);
        Assert.Contains("2001:db8::7\tv6\n", result.Error, StringComparison.Ordinal);
        Assert.Contains("nofile=1024:2048\n", result.Error, StringComparison.Ordinal);
        Assert.Matches(@"shm /dev/shm tmpfs \S*size=131072k", result.Error);
        Assert.Contains("ifaces=lo,\n", result.Error, StringComparison.Ordinal);

        var inspect = await Runner.OkAsync("inspect", "run-flags:1");
        Assert.Contains("\"org.example.flags\": \"yes\"", inspect.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Annotations_reach_the_manifest_the_index_and_the_manifests_descriptor_of_an_oci_archive()
    {
        store.Require();
        var context = Directory.CreateDirectory(Path.Join(_temp.Path, "annotated")).FullName;
        await File.WriteAllTextAsync(Path.Join(context, "Dockerfile"), "FROM busybox:1.35\nLABEL a=b\n", TestContext.Current.CancellationToken);
        var archive = Path.Join(_temp.Path, "image.tar");

        await Runner.OkAsync("build", "--progress", "plain", "-o", $"type=oci,dest={archive}", "--annotation", "org.example.m=1",
            "--annotation", "index:org.example.i=2", "--annotation", "manifest-descriptor:org.example.d=3",
            "--annotation", "manifest[linux/s390x]:org.example.other=4", context);

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using (var reader = new TarReader(File.OpenRead(archive)))
        {
            while (await reader.GetNextEntryAsync(cancellationToken: TestContext.Current.CancellationToken) is { } entry)
            {
                if (entry.DataStream is { } data)
                {
                    using var copy = new MemoryStream();
                    await data.CopyToAsync(copy, TestContext.Current.CancellationToken);
                    files[entry.Name] = copy.ToArray();
                }
            }
        }

        using var index = JsonDocument.Parse(files["index.json"]);
        Assert.Equal("2", index.RootElement.GetProperty("annotations").GetProperty("org.example.i").GetString());
        var descriptor = index.RootElement.GetProperty("manifests")[0];
        Assert.Equal("3", descriptor.GetProperty("annotations").GetProperty("org.example.d").GetString());
        var digest = descriptor.GetProperty("digest").GetString()!;
        using var manifest = JsonDocument.Parse(files["blobs/sha256/" + digest["sha256:".Length..]]);
        var annotations = manifest.RootElement.GetProperty("annotations");
        Assert.Equal("1", annotations.GetProperty("org.example.m").GetString());
        Assert.False(annotations.TryGetProperty("org.example.other", out _));
    }
}
