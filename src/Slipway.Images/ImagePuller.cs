using Slipway.Oci;
using Slipway.Registry;
using Slipway.Store.Images;

namespace Slipway.Images;

/// <summary>What a pull reports as it goes.</summary>
public sealed record PullProgress(string What, Digest Digest, string Status);

/// <summary>Pulls an image into the store: manifest (the platform's, from an index), config and layers in
/// parallel, every blob verified before it becomes visible, then the name. Nothing is named until every blob
/// is stored.</summary>
public sealed class ImagePuller(ImageStore images, RegistryClients clients)
{
    public int MaxParallelDownloads { get; init; } = 3;

    public async Task<StoredImage> PullAsync(ImageReference reference, Platform platform, Action<PullProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(platform);
        progress ??= _ => { };
        var client = clients.For(reference.Domain);
        var blobs = images.Store.Blobs;
        using var lease = images.Store.CreateLease();

        RegistryManifest top;
        try
        {
            top = await client.GetManifestAsync(reference.Path, reference.Selector, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException ex)
        {
            throw new ImageException($"pull access denied or manifest unknown for {reference.FamiliarString}: {ErrorText.Describe(ex)}", ex);
        }

        var manifestResponse = top;
        Platform? chosenPlatform = null;
        if (MediaTypes.IsIndex(top.MediaType))
        {
            var index = OciJson.ParseIndex(top.Content.Span, top.MediaType);
            var chosen = new PlatformMatcher(platform).SelectBest(index.Manifests)
                ?? throw new ImageException(
                    $"no matching manifest for {platform} in the manifest list entries ({reference.FamiliarString})");
            chosenPlatform = chosen.Platform;
            manifestResponse = await client.GetManifestAsync(reference.Path, chosen.Digest.Value, cancellationToken).ConfigureAwait(false);
        }
        else if (!MediaTypes.IsManifest(top.MediaType))
        {
            throw new ImageException($"unsupported manifest media type {top.MediaType} for {reference.FamiliarString}");
        }

        var manifest = OciJson.ParseManifest(manifestResponse.Content.Span, manifestResponse.MediaType);
        ImageStore.EnsureConfigSize(manifest.Config.Digest, manifest.Config.Size);
        lease.Add([manifest.Config.Digest, .. manifest.Layers.Select(l => l.Digest)]);
        using (var slots = new SemaphoreSlim(MaxParallelDownloads))
        {
            var downloads = manifest.Layers.Prepend(manifest.Config)
                .DistinctBy(d => d.Digest)
                .Select(d => DownloadAsync(client, reference.Path, d, slots, progress, cancellationToken));
            await Task.WhenAll(downloads).ConfigureAwait(false);
        }

        var config = await images.ReadConfigAsync(manifest.Config.Digest, cancellationToken).ConfigureAwait(false);
        OciJson.EnsureConsistent(manifest, config);
        // Leased before it becomes visible and named while the lease still holds it and everything it points at.
        var (digest, size) = await blobs.WriteAsync(new MemoryStream(manifestResponse.Content.ToArray()), manifestResponse.Content.Length,
            manifestResponse.Digest, lease, cancellationToken).ConfigureAwait(false);
        var descriptor = new Descriptor
        {
            MediaType = manifestResponse.MediaType,
            Digest = digest,
            Size = size,
            Platform = chosenPlatform ?? new Platform { Os = config.Os, Architecture = config.Architecture, Variant = config.Variant },
        };
        await images.SetAsync(reference, descriptor, cancellationToken).ConfigureAwait(false);
        return new StoredImage(descriptor, manifest, config);
    }

    private async Task DownloadAsync(RegistryClient client, string repository, Descriptor blob, SemaphoreSlim slots,
        Action<PullProgress> progress, CancellationToken cancellationToken)
    {
        var what = MediaTypes.IsConfig(blob.MediaType) ? "config" : "layer";
        // A download slot also bounds how many present blobs are re-hashed at once (each one read whole).
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Present is not enough: a blob damaged on disk must be fetched again, or it would stay wrong forever. The
            // new copy replaces it atomically once verified.
            if (images.Store.Blobs.GetSize(blob.Digest) == blob.Size &&
                await images.Store.Blobs.ComputeDigestAsync(blob.Digest, cancellationToken).ConfigureAwait(false) == blob.Digest)
            {
                progress(new PullProgress(what, blob.Digest, "Already exists"));
                return;
            }

            progress(new PullProgress(what, blob.Digest, "Pulling"));
            await using var writer = images.Store.Blobs.OpenWriter(blob.Size, blob.Digest);
            await client.GetBlobAsync(repository, blob.Digest, writer, blob.Size, cancellationToken).ConfigureAwait(false);
            await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
            progress(new PullProgress(what, blob.Digest, "Pull complete"));
        }
        finally
        {
            slots.Release();
        }
    }
}
