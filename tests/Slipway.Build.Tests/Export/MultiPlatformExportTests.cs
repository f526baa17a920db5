using System.Formats.Tar;
using System.Text.Json;
using Slipway.Build.Export;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Images;

namespace Slipway.Build.Tests.Export;

/// <summary>What each output does with a build for several platforms: the store and an OCI archive get the index,
/// type=local and type=tar a folder per platform named as buildx names it, --iidfile and --metadata-file the index.</summary>
public sealed class MultiPlatformExportTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-mp-export-");

    public void Dispose() => _dir.Delete(true);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string Sub(string name) => Path.Join(_dir.FullName, name);

    private async Task<(LocalStore Store, ExportSource Source)> BuiltAsync()
    {
        var store = LocalStore.Open(Sub("root"), TimeProvider.System);
        var images = new List<StoredImage>();
        foreach (var arch in new[] { "amd64", "arm64" })
        {
            var config = new ImageConfig { Architecture = arch, Os = "linux", RootFs = new RootFs { DiffIds = [] } };
            var manifest = new ImageManifest
            {
                MediaType = MediaTypes.OciManifest,
                Config = await store.Blobs.WriteAsync(MediaTypes.OciConfig, OciJson.Serialize(config), Token),
                Layers = [],
            };
            var descriptor = await store.Blobs.WriteAsync(MediaTypes.OciManifest, OciJson.Serialize(manifest), Token);
            images.Add(new StoredImage(descriptor with { Platform = config.Platform }, manifest, config));
        }

        var index = await new ImageStore(store).WriteIndexAsync(images, null, null, Token);
        return (store, new ExportSource(images[0]) { Images = index.Images, Index = index });
    }

    [Fact]
    public async Task Type_local_writes_a_folder_per_platform()
    {
        var (store, source) = await BuiltAsync();
        await new LocalExporter(store, Sub("out"), new NoExportProgress()).ExportAsync(source, Token);
        Assert.Equal(["linux_amd64", "linux_arm64"], Directory.GetFileSystemEntries(Sub("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Type_tar_holds_a_folder_per_platform()
    {
        var (store, source) = await BuiltAsync();
        var tar = Sub("fs.tar");
        await new StreamExporter(store, OutputKind.Tar, [], () => File.Create(tar)).ExportAsync(source, Token);
        Assert.Equal(["linux_amd64/", "linux_arm64/"], (await NamesAsync(tar)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Type_oci_names_the_index_in_index_json()
    {
        var (store, source) = await BuiltAsync();
        var tar = Sub("oci.tar");
        await new StreamExporter(store, OutputKind.Oci, [ImageReference.Parse("app:1")], () => File.Create(tar)).ExportAsync(source, Token);
        await using var reader = new TarReader(File.OpenRead(tar));
        while (await reader.GetNextEntryAsync(cancellationToken: Token) is { } entry)
        {
            if (entry.Name == "index.json")
            {
                using var json = await JsonDocument.ParseAsync(entry.DataStream!, cancellationToken: Token);
                var top = Assert.Single(json.RootElement.GetProperty("manifests").EnumerateArray());
                Assert.Equal(MediaTypes.OciIndex, top.GetProperty("mediaType").GetString());
                Assert.Equal(source.Index!.Descriptor.Digest.Value, top.GetProperty("digest").GetString());
                return;
            }
        }

        Assert.Fail("no index.json");
    }

    [Fact]
    public async Task The_store_name_holds_the_index()
    {
        var (store, source) = await BuiltAsync();
        await new StoreExporter(new ImageStore(store), [ImageReference.Parse("app:1")], keepDangling: true).ExportAsync(source, Token);
        Assert.Equal(source.Index!.Descriptor.Digest, store.Refs.Resolve(ImageReference.Parse("app:1").ToString())!.Digest);
    }

    [Fact]
    public async Task Iidfile_and_metadata_name_the_index_as_buildx_does()
    {
        var (store, source) = await BuiltAsync();
        var attachments = new ExportAttachments { IidFile = Sub("iid"), MetadataFile = Sub("meta.json") };
        await new BuildExport(store, new NoExportProgress(), "test").RunAsync(source.Image, source.Index, [], [], attachments, null, Token);

        var digest = source.Index!.Descriptor.Digest.Value;
        Assert.Equal(digest, await File.ReadAllTextAsync(Sub("iid"), Token));
        using var meta = JsonDocument.Parse(await File.ReadAllTextAsync(Sub("meta.json"), Token));
        Assert.Equal(digest, meta.RootElement.GetProperty("containerimage.digest").GetString());
        Assert.Equal(MediaTypes.OciIndex, meta.RootElement.GetProperty("containerimage.descriptor").GetProperty("mediaType").GetString());
        Assert.False(meta.RootElement.TryGetProperty("containerimage.config.digest", out _));
    }

    private static async Task<List<string>> NamesAsync(string tar)
    {
        var names = new List<string>();
        await using var reader = new TarReader(File.OpenRead(tar));
        while (await reader.GetNextEntryAsync(cancellationToken: Token) is { } entry)
        {
            names.Add(entry.Name);
        }

        return names;
    }

    private sealed class NoExportProgress : IExportProgress
    {
        public void OnDone(string what)
        {
        }

        public void OnWarning(string message)
        {
        }
    }
}
