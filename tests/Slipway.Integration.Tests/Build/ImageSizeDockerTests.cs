using System.Globalization;
using Slipway.Integration.Tests.Fixtures;

namespace Slipway.Integration.Tests.Build;

/// <summary>Issue acceptance: the SIZE of <c>images</c>, <c>inspect</c> and <c>history</c> is within 1% of what a docker
/// engine reports for the same image after <c>docker load</c>: the unpacked size, not the compressed or the tar size.</summary>
public sealed class ImageSizeDockerTests(GccStore store) : IClassFixture<GccStore>, IDisposable
{
    private readonly TempDirectory _temp = new();

    private SlipwayRunner Runner => store.Runner;

    public void Dispose() => _temp.Dispose();

    private static long Number(string text) => long.Parse(text.Trim(), CultureInfo.InvariantCulture);

    private static void AssertWithinOnePercent(long docker, long ours, string what) =>
        Assert.True(Math.Abs(docker - ours) <= docker / 100, $"{what}: docker says {docker} bytes, Slipway {ours}");

    [Fact]
    public async Task Sizes_of_a_loaded_base_and_of_an_image_built_on_it_are_those_docker_reports()
    {
        store.Require();
        var ct = TestContext.Current.CancellationToken;
        var context = Directory.CreateDirectory(Path.Join(_temp.Path, "ctx")).FullName;
        // Many small files (tar headers would be most of a tar's size) and a link (its target counts).
        await File.WriteAllTextAsync(Path.Join(context, "Dockerfile"), """
            FROM gcc:12
            RUN mkdir /many && for i in $(seq 1 500); do echo "file $i" > /many/f$i; done && ln -s /usr/bin/gcc /many/link
            RUN head -c 300000 /dev/zero > /zeros
            CMD ["gcc", "--version"]
            """, ct);
        await Runner.OkAsync("build", "--progress", "plain", "-t", "sizes-test:1", context);
        var archive = Path.Join(_temp.Path, "images.tar");
        await Runner.OkAsync("save", "-o", archive, "gcc:12", "sizes-test:1");

        await using var docker = await DockerDaemon.StartAsync(ct);
        await docker.RunAsync(ct, "load", "-i", archive);
        foreach (var image in new[] { "gcc:12", "sizes-test:1" })
        {
            var theirs = Number(await docker.RunAsync(ct, "image", "inspect", "-f", "{{.Size}}", image));
            var ours = Number((await Runner.OkAsync("inspect", "-f", "{{.Size}}", image)).Output);
            AssertWithinOnePercent(theirs, ours, image);
            var compressed = (await Runner.OkAsync("images", "--format", "{{.CompressedSize}}", image)).Output.Trim();
            Assert.NotEqual(Units(theirs), compressed);
            Assert.Equal(Units(ours), (await Runner.OkAsync("images", "--format", "{{.Size}}", image)).Output.Trim());
        }

        var theirHistory = (await docker.RunAsync(ct, "history", "--human=false", "--format", "{{.Size}}", "sizes-test:1"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Number).ToList();
        var ourHistory = (await Runner.OkAsync("history", "--human=false", "--format", "{{.Size}}", "sizes-test:1")).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Number).ToList();
        Assert.Equal(theirHistory.Count, ourHistory.Count);
        for (var i = 0; i < theirHistory.Count; i++)
        {
            Assert.Equal(theirHistory[i] == 0, ourHistory[i] == 0);
            AssertWithinOnePercent(theirHistory[i], ourHistory[i], $"history row {i}");
        }
    }

    private static string Units(long bytes) => Slipway.Store.ByteSize.Format(bytes);
}
