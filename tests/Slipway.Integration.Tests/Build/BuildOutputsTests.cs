using System.Formats.Tar;
using System.Text.Json;
using Slipway.Integration.Tests.Fixtures;

namespace Slipway.Integration.Tests.Build;

/// <summary>Every kind of <c>--output</c> from one build, and the files written beside the image once they are done.</summary>
public sealed class BuildOutputsTests(BusyboxStore store) : IClassFixture<BusyboxStore>, IDisposable
{
    private readonly TempDirectory _temp = new();

    private SlipwayRunner Runner => store.Runner;

    public void Dispose() => _temp.Dispose();

    private string Sub(string name) => Path.Join(_temp.Path, name);

    private string Context()
    {
        var dir = Directory.CreateDirectory(Sub("ctx")).FullName;
        File.WriteAllText(Path.Join(dir, "Dockerfile"), "FROM busybox:1.35\nRUN echo built > /built\n");
        return dir;
    }

    private static List<string> Entries(Stream tar)
    {
        var names = new List<string>();
        using var reader = new TarReader(tar);
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
        }

        return names;
    }

    [Fact]
    public async Task One_build_exports_to_every_output_it_names_then_writes_the_iidfile_and_metadata()
    {
        store.Require();
        var build = await Runner.OkAsync("build", "--progress", "plain", "-t", "outputs:1",
            "-o", $"type=oci,dest={Sub("oci.tar")}", "-o", $"type=docker,dest={Sub("docker.tar")}", "-o", $"type=local,dest={Sub("fs")}",
            "-o", $"type=tar,dest={Sub("fs.tar")}", "-o", "type=image,name=outputs-extra:1",
            "--iidfile", Sub("iid"), "--metadata-file", Sub("metadata.json"), Context());

        var id = File.ReadAllText(Sub("iid"));
        Assert.StartsWith("sha256:", id, StringComparison.Ordinal);
        Assert.Contains($"#0 writing image {id} done", build.Error, StringComparison.Ordinal);
        Assert.Contains("#0 naming to docker.io/library/outputs:1 done", build.Error, StringComparison.Ordinal);
        using (var metadata = JsonDocument.Parse(File.ReadAllText(Sub("metadata.json"))))
        {
            Assert.Equal(id, metadata.RootElement.GetProperty("containerimage.config.digest").GetString());
            Assert.Equal("docker.io/library/outputs:1", metadata.RootElement.GetProperty("image.name").GetString());
        }

        await using (var oci = File.OpenRead(Sub("oci.tar")))
        {
            Assert.Contains("index.json", Entries(oci));
        }

        await using (var docker = File.OpenRead(Sub("docker.tar")))
        {
            Assert.Contains("manifest.json", Entries(docker));
        }

        Assert.Equal("built\n", File.ReadAllText(Path.Join(Sub("fs"), "built")));
        await using (var fs = File.OpenRead(Sub("fs.tar")))
        {
            Assert.Contains("built", Entries(fs));
        }

        var images = await Runner.OkAsync("images");
        Assert.Contains("outputs-extra", images.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tag_with_only_file_outputs_names_nothing_in_the_store_as_buildx_loads_nothing_into_docker()
    {
        store.Require();
        var build = await Runner.OkAsync("build", "--progress", "plain", "-t", "filesonly:1", "-o", $"type=local,dest={Sub("fs")}",
            "-o", $"type=tar,dest={Sub("fs.tar")}", Context());

        Assert.DoesNotContain("naming to", build.Error, StringComparison.Ordinal);
        Assert.Equal("built\n", File.ReadAllText(Path.Join(Sub("fs"), "built")));
        Assert.Equal("", (await Runner.OkAsync("images", "-q", "filesonly")).Output);
        Assert.Equal("", (await Runner.OkAsync("images", "-q", "-f", "dangling=true")).Output);
    }

    [Fact]
    public async Task A_tar_on_standard_output_keeps_the_image_id_off_it_under_quiet()
    {
        store.Require();
        var build = await Runner.OkAsync("build", "-q", "-o", "-", Context());

        Assert.Equal("", build.Output);
        Assert.Contains("built", Entries(new MemoryStream(build.Stdout)));
    }
}
