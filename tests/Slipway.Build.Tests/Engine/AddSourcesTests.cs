using System.Diagnostics;
using Slipway.Build.Engine;
using Slipway.Testing;

namespace Slipway.Build.Tests.Engine;

public sealed class AddSourcesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-add-");

    public void Dispose() => _dir.Delete(true);

    [Theory]
    [InlineData("plain.tar", "-cf")]
    [InlineData("g.tar.gz", "-czf")]
    [InlineData("x.tar.xz", "-cJf")]
    [InlineData("b.tar.bz2", "-cjf")]
    public async Task Every_kind_of_local_tar_archive_is_recognised_and_unpacked(string name, string flags)
    {
        Capability.RequireTool("tar");
        var tree = Directory.CreateDirectory(Path.Join(_dir.FullName, "tree", "sub")).FullName;
        File.WriteAllText(Path.Join(tree, "a.txt"), "a");
        var archive = Path.Join(_dir.FullName, name);
        using (var tar = Process.Start("tar", ["-C", Path.Join(_dir.FullName, "tree"), flags, archive, "."]))
        {
            await tar.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, tar.ExitCode);
        }

        var stream = AddSources.OpenArchive(archive);
        Assert.NotNull(stream);
        var dest = Directory.CreateDirectory(Path.Join(_dir.FullName, "dest")).FullName;
        await AddSources.ExtractAsync(stream, dest, TestContext.Current.CancellationToken);
        Assert.Equal("a", File.ReadAllText(Path.Join(dest, "sub", "a.txt")));
    }

    [Fact]
    public void A_compressed_file_that_is_not_a_tar_is_copied_as_it_is()
    {
        var file = Path.Join(_dir.FullName, "f.gz");
        using (var gzip = new System.IO.Compression.GZipStream(File.Create(file), System.IO.Compression.CompressionMode.Compress))
        {
            gzip.Write("not a tar"u8);
        }

        Assert.Null(AddSources.OpenArchive(file));
    }
}
