using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Slipway.Oci;
using Slipway.Store.Snapshots;

namespace Slipway.Store.Tests.Snapshots;

/// <summary>Snapshots are shared by every image that claims a diffID, so one is made only from content that is
/// that diffID.</summary>
public sealed class LayerSnapshotsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-snapshots-");

    public void Dispose() => _dir.Delete(true);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    internal static byte[] Tar(params string[] files)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var name in files)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    Mode = (UnixFileMode)0x1A4,
                    ModificationTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(name)),
                });
            }
        }

        return buffer.ToArray();
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private (LocalStore Store, LayerSnapshots Snapshots) Open()
    {
        var store = LocalStore.Open(Path.Join(_dir.FullName, "store"), TimeProvider.System);
        return (store, new LayerSnapshots(store));
    }

    private static async Task<Descriptor> StoreLayerAsync(LocalStore store, byte[] blob) =>
        await store.Blobs.WriteAsync(MediaTypes.OciLayerGzip, blob, Token);

    [Fact]
    public async Task A_layer_whose_content_is_its_diff_id_is_unpacked_under_that_name()
    {
        var (store, snapshots) = Open();
        var tar = Tar("bin/sh");
        var blob = await StoreLayerAsync(store, Gzip(tar));

        var path = await snapshots.EnsureAsync(new LayerRef(blob, Digest.Compute(tar)), Token);

        Assert.Equal(snapshots.PathOf(Digest.Compute(tar)), path);
        Assert.True(File.Exists(Path.Join(path, "bin", "sh")));
        Assert.Equal(Digest.Compute(tar).Value + "\n",
            await File.ReadAllTextAsync(Path.Join(Path.GetDirectoryName(path)!, StoreLayout.SnapshotVerifiedFile), Token));
    }

    [Fact]
    public async Task A_layer_claiming_another_layers_diff_id_fails_naming_the_layer_and_leaves_no_snapshot()
    {
        var (store, snapshots) = Open();
        var genuine = Digest.Compute(Tar("bin/sh"));
        var poisonedTar = Tar("bin/sh", "POISONED");
        var blob = await StoreLayerAsync(store, Gzip(poisonedTar));

        var ex = await Assert.ThrowsAsync<SnapshotException>(() => snapshots.EnsureAsync(new LayerRef(blob, genuine), Token));

        Assert.Contains(blob.Digest.Value, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"claims {genuine}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"is {Digest.Compute(poisonedTar)}", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(snapshots.PathOf(genuine)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(snapshots.PathOf(genuine))!));

        // The genuine layer, unpacked afterwards, is what the name holds.
        var genuineBlob = await StoreLayerAsync(store, Gzip(Tar("bin/sh")));
        var path = await new LayerSnapshots(store).EnsureAsync(new LayerRef(genuineBlob, genuine), Token);
        Assert.False(File.Exists(Path.Join(path, "POISONED")));
    }

    [Theory]
    [InlineData(0.5)] // inside the compressed data
    [InlineData(-8.0)] // the gzip trailer's CRC-32
    public async Task A_layer_blob_with_one_flipped_byte_is_not_unpacked_and_the_error_says_it_is_corrupt(double where)
    {
        var (store, snapshots) = Open();
        var tar = Tar("bin/sh", "etc/passwd", "etc/group");
        var blob = await StoreLayerAsync(store, Gzip(tar));
        var path = store.Layout.BlobPath(blob.Digest);
        var bytes = await File.ReadAllBytesAsync(path, Token);
        bytes[where < 0 ? bytes.Length + (int)where : (int)(bytes.Length * where)] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes, Token);

        var ex = await Assert.ThrowsAsync<SnapshotException>(() => snapshots.EnsureAsync(new LayerRef(blob, Digest.Compute(tar)), Token));

        Assert.Contains($"unpacking layer {blob.Digest}: blob {blob.Digest} in the content store is corrupt", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(snapshots.PathOf(Digest.Compute(tar))));
    }
}
