using System.IO.Compression;
using System.Security.Cryptography;
using Slipway.Oci;
using Slipway.Store.Images;
using Slipway.Store.Layers;

namespace Slipway.Images;

/// <summary><c>slipway import</c>: a root filesystem (a directory, or a tar in any of the layer compressions)
/// becomes a one-layer image, like <c>docker import</c>.</summary>
public sealed class RootfsImporter(ImageStore images)
{
    public async Task<StoredImage> ImportDirectoryAsync(string directory, ImageConfig baseConfig, string source,
        ImageReference? name, DateTimeOffset created, CancellationToken cancellationToken)
    {
        var store = images.Store;
        using var lease = store.CreateLease();
        LayerWriteResult layer;
        await using (var writer = store.Blobs.OpenWriter(lease: lease))
        {
            layer = await LayerWriter.WriteAsync(directory, writer, new LayerWriteOptions { Compression = LayerCompression.Gzip }, cancellationToken)
                .ConfigureAwait(false);
            await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        store.LayerSizes.Record(layer.DiffId, layer.UnpackedSize);
        return await FinishAsync(layer.DiffId, new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = layer.Digest, Size = layer.Size },
            baseConfig, source, name, created, lease, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredImage> ImportTarAsync(Stream archive, ImageConfig baseConfig, string source,
        ImageReference? name, DateTimeOffset created, CancellationToken cancellationToken)
    {
        var store = images.Store;
        using var lease = store.CreateLease();
        var (tar, _) = await LayerCompressionDetector.OpenAsync(archive, cancellationToken).ConfigureAwait(false);
        await using var _tar = tar.ConfigureAwait(false);
        using var diffHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Digest digest;
        long size;
        await using (var writer = store.Blobs.OpenWriter(lease: lease))
        {
            await using (var gzip = new GZipStream(writer, CompressionLevel.Fastest, leaveOpen: true))
            {
                var buffer = new byte[81920];
                int n;
                while ((n = await tar.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    diffHash.AppendData(buffer, 0, n);
                    await gzip.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                }
            }

            (digest, size) = await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        var diffId = Digest.FromSha256Hash(diffHash.GetHashAndReset());
        return await FinishAsync(diffId, new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = digest, Size = size },
            baseConfig, source, name, created, lease, cancellationToken).ConfigureAwait(false);
    }

    private async Task<StoredImage> FinishAsync(Digest diffId, Descriptor layer, ImageConfig baseConfig, string source,
        ImageReference? name, DateTimeOffset created, Slipway.Store.Lease lease, CancellationToken cancellationToken)
    {
        var host = Platform.Host;
        var config = baseConfig with
        {
            Created = created,
            Architecture = host.Architecture,
            Os = host.Os,
            Variant = host.Variant,
            RootFs = new RootFs { Type = "layers", DiffIds = [diffId] },
            History = [new HistoryEntry { Created = created, CreatedBy = "", Comment = "Imported from " + source }],
        };
        var configDescriptor = await images.Store.Blobs.WriteAsync(MediaTypes.OciConfig, OciJson.Serialize(config), lease, cancellationToken)
            .ConfigureAwait(false);
        var manifest = new ImageManifest
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciManifest,
            Config = configDescriptor,
            Layers = [layer],
        };
        var manifestDescriptor = await images.Store.Blobs.WriteAsync(MediaTypes.OciManifest, OciJson.Serialize(manifest), lease, cancellationToken)
            .ConfigureAwait(false);
        manifestDescriptor = manifestDescriptor with { Platform = host };
        if (name is not null)
        {
            await images.SetAsync(name, manifestDescriptor, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await images.KeepDanglingAsync(manifestDescriptor, cancellationToken).ConfigureAwait(false);
        }

        return new StoredImage(manifestDescriptor, manifest, config);
    }
}
