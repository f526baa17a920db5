using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using Slipway.Images;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Images;

namespace Slipway.Images.Tests;

/// <summary><c>save</c> and <c>load</c> of an index: every stored platform goes into the layout and comes back under
/// the name as the same index; <c>--platform</c> keeps one.</summary>
public sealed class IndexArchiveTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("slipway-index-archive-");

    public void Dispose() => _root.Delete(true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Platform Arm = Platform.Linux("arm64");

    private static readonly Platform Amd = Platform.Linux("amd64");

    private ImageStore NewStore(string name) => new(LocalStore.Open(Path.Join(_root.FullName, name), TimeProvider.System));

    private static async Task<StoredImage> ImageAsync(ImageStore images, Platform platform)
    {
        var content = Encoding.UTF8.GetBytes("layer of " + platform);
        var layer = await images.Store.Blobs.WriteAsync(MediaTypes.OciLayer, content, Ct);
        var config = await images.Store.Blobs.WriteAsync(MediaTypes.OciConfig, OciJson.Serialize(new ImageConfig
        {
            Architecture = platform.Architecture,
            Os = platform.Os,
            RootFs = new RootFs { DiffIds = [Digest.Compute(content)] },
        }), Ct);
        var manifest = await images.Store.Blobs.WriteAsync(MediaTypes.OciManifest,
            OciJson.Serialize(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = config, Layers = [layer] }), Ct);
        return await images.LoadAsync(manifest, Ct);
    }

    private async Task<(ImageStore Images, StoredIndex Index)> SourceAsync()
    {
        var images = NewStore("source");
        var index = await images.WriteIndexAsync([await ImageAsync(images, Amd), await ImageAsync(images, Arm)], null, null, Ct);
        await images.SetAsync(ImageReference.Parse("multi:1"), index.Descriptor, Ct);
        return (images, index);
    }

    private static async Task<MemoryStream> SaveAsync(ImageStore images, Descriptor top, bool dockerManifest = false)
    {
        var archive = new MemoryStream();
        await LayoutWriter.WriteTarAsync(images.Store, [(top, (IReadOnlyList<ImageReference>)[ImageReference.Parse("multi:1")])], archive,
            dockerManifest, ImageAnnotations.None, Ct);
        archive.Position = 0;
        return archive;
    }

    private static Dictionary<string, byte[]> Entries(MemoryStream archive)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var reader = new TarReader(archive, leaveOpen: true);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is { } data)
            {
                using var copy = new MemoryStream();
                data.CopyTo(copy);
                entries[entry.Name] = copy.ToArray();
            }
        }

        archive.Position = 0;
        return entries;
    }

    [Fact]
    public async Task A_saved_index_is_the_layouts_entry_and_every_platform_is_in_the_archive()
    {
        var (images, index) = await SourceAsync();

        var entries = Entries(await SaveAsync(images, index.Descriptor));

        var layout = OciJson.ParseIndex(entries["index.json"]);
        var top = Assert.Single(layout.Manifests);
        Assert.Equal(index.Id, top.Digest);
        Assert.Equal(MediaTypes.OciIndex, top.MediaType);
        Assert.Equal("docker.io/library/multi:1", top.Annotations![LayoutWriter.ContainerdNameAnnotation]);
        foreach (var image in index.Images)
        {
            Assert.Contains(LayoutWriter.BlobPath(image.ManifestDescriptor.Digest), entries.Keys);
            Assert.Contains(LayoutWriter.BlobPath(image.Manifest.Layers[0].Digest), entries.Keys);
        }
    }

    [Fact]
    public async Task The_docker_manifest_of_a_saved_index_names_its_host_platform_image()
    {
        var (images, index) = await SourceAsync();

        var entries = Entries(await SaveAsync(images, index.Descriptor, dockerManifest: true));

        using var manifest = JsonDocument.Parse(entries["manifest.json"]);
        var entry = Assert.Single(manifest.RootElement.EnumerateArray().ToList());
        Assert.Equal(LayoutWriter.BlobPath(ImageStore.Pick(index, null).Id), entry.GetProperty("Config").GetString());
    }

    [Fact]
    public async Task A_partial_index_is_saved_with_the_platforms_the_store_holds()
    {
        var (images, index) = await SourceAsync();
        File.Delete(images.Store.Layout.BlobPath(index.Images[1].ManifestDescriptor.Digest));

        var entries = Entries(await SaveAsync(images, index.Descriptor));

        Assert.Contains(LayoutWriter.BlobPath(index.Id), entries.Keys);
        Assert.Contains(LayoutWriter.BlobPath(index.Images[0].ManifestDescriptor.Digest), entries.Keys);
        Assert.DoesNotContain(LayoutWriter.BlobPath(index.Images[1].ManifestDescriptor.Digest), entries.Keys);
    }

    [Fact]
    public async Task Loading_a_saved_index_keeps_the_index_with_both_platforms_under_its_name()
    {
        var (images, index) = await SourceAsync();
        var target = NewStore("target");

        var lines = await new ArchiveLoader(target).LoadAsync(await SaveAsync(images, index.Descriptor), null, Ct);

        Assert.Equal(["Loaded image: multi:1"], lines);
        var named = Assert.Single(await target.ListAsync(Ct));
        Assert.Equal(index.Id, named.Id);
        Assert.Equal(2, named.Index!.Images.Count);
        Assert.Equal(Arm.Architecture, (await target.FindAsync("multi:1", Arm, Ct)).Image.Config.Architecture);
    }

    [Fact]
    public async Task Loading_with_a_platform_keeps_only_that_platforms_image()
    {
        var (images, index) = await SourceAsync();
        var target = NewStore("target");

        await new ArchiveLoader(target).LoadAsync(await SaveAsync(images, index.Descriptor), Arm, Ct);

        var named = Assert.Single(await target.ListAsync(Ct));
        Assert.Null(named.Index);
        Assert.Equal("arm64", named.Image.Config.Architecture);
    }
}
