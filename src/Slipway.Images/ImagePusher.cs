using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Images;

/// <summary>Pushes a stored image: layers and config (skipped when the registry has them, mounted across
/// repositories of the same registry when possible), then the manifest under the tag.</summary>
public sealed partial class ImagePusher(ImageStore images, RegistryClients clients)
{
    public int MaxParallelUploads { get; init; } = 3;

    public async Task<Digest> PushAsync(StoredImage image, ImageReference target, Action<PullProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(target);
        progress ??= _ => { };
        return await PushImageAsync(clients.For(target.Domain), image, target, target.Digest?.Value ?? target.Tag ?? ImageReference.DefaultTag,
            progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The image's blobs, then its manifest under <paramref name="reference"/> (a tag or a digest).</summary>
    private async Task<Digest> PushImageAsync(Slipway.Registry.RegistryClient client, StoredImage image, ImageReference target, string reference,
        Action<PullProgress> progress, CancellationToken cancellationToken)
    {
        await PushBlobsAsync(client, image, target, progress, cancellationToken).ConfigureAwait(false);
        var manifestBytes = await images.Store.Blobs.ReadAllBytesAsync(image.ManifestDescriptor.Digest, cancellationToken).ConfigureAwait(false);
        return await client.PutManifestAsync(target.Path, reference, manifestBytes, image.ManifestDescriptor.MediaType, cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task PushBlobsAsync(Slipway.Registry.RegistryClient client, StoredImage image, ImageReference target, Action<PullProgress> progress,
        CancellationToken cancellationToken)
    {
        using (var slots = new SemaphoreSlim(MaxParallelUploads))
        {
            var uploads = image.Manifest.Layers.Append(image.Manifest.Config)
                .DistinctBy(d => d.Digest)
                .Select(async blob =>
                {
                    await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        await using var content = images.Store.Blobs.OpenVerifiedRead(blob.Digest);
                        var outcome = await client.PushBlobAsync(target.Path, blob.Digest, blob.Size, content, null, cancellationToken)
                            .ConfigureAwait(false);
                        progress(new PullProgress(MediaTypes.IsConfig(blob.MediaType) ? "config" : "layer", blob.Digest, outcome.ToString()));
                    }
                    finally
                    {
                        slots.Release();
                    }
                });
            await Task.WhenAll(uploads).ConfigureAwait(false);
        }
    }
}
