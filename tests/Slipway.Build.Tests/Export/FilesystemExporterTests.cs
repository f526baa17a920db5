using System.Formats.Tar;
using Slipway.Build.Export;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Images;
using Slipway.Testing;

namespace Slipway.Build.Tests.Export;

public sealed class FilesystemExporterTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-fs-export-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public async Task Output_type_local_as_root_writes_no_device_nodes_on_the_host_and_warns_for_each()
    {
        Capability.RequireRoot();
        var ct = TestContext.Current.CancellationToken;
        var store = LocalStore.Open(Path.Join(_dir.FullName, "root"), TimeProvider.System);
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "dev/"));
            writer.WriteEntry(new PaxTarEntry(TarEntryType.BlockDevice, "dev/sda") { DeviceMajor = 8, DeviceMinor = 0 });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "app") { DataStream = new MemoryStream("binary"u8.ToArray()) });
        }

        var layer = await store.Blobs.WriteAsync(MediaTypes.OciLayer, tar.ToArray(), ct);
        var config = new ImageConfig { Architecture = "amd64", Os = "linux", RootFs = new RootFs { DiffIds = [layer.Digest] } };
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = await store.Blobs.WriteAsync(MediaTypes.OciConfig, OciJson.Serialize(config), ct),
            Layers = [layer],
        };
        var image = new StoredImage(await store.Blobs.WriteAsync(MediaTypes.OciManifest, OciJson.Serialize(manifest), ct), manifest, config);

        var dest = Path.Join(_dir.FullName, "out");
        var warnings = await FilesystemExporter.ExportDirectoryAsync(store, image, dest, ct);

        Assert.Equal("binary", File.ReadAllText(Path.Join(dest, "app")));
        Assert.False(File.Exists(Path.Join(dest, "dev", "sda")));
        Assert.Equal(["layer entry 'dev/sda': device node skipped (not written outside an image)"], warnings);
    }
}
