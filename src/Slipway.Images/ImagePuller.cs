using Slipway.Oci;
using Slipway.Registry;
using Slipway.Store.Images;

namespace Slipway.Images;

/// <summary>What a pull (or a push) reports as it goes: for each blob (<paramref name="What"/>: config, layer) a status
/// in docker's words (<see cref="PullStatus"/>), and while it downloads how many of its bytes have come.</summary>
public sealed record PullProgress(string What, Digest Digest, string Status)
{
    /// <summary>Bytes of the blob written so far (while <see cref="PullStatus.Downloading"/>, and when done).</summary>
    public long Current { get; init; }

    /// <summary>The blob's size, as its descriptor says.</summary>
    public long Total { get; init; }
}

/// <summary>The statuses a pull reports, as <c>docker pull</c> prints them, in the order a blob goes through them.</summary>
public static class PullStatus
{
    public const string AlreadyExists = "Already exists";
    public const string Waiting = "Pulling fs layer";
    public const string Downloading = "Downloading";
    public const string Verifying = "Verifying Checksum";
    public const string Downloaded = "Download complete";
    public const string Complete = "Pull complete";
}

/// <summary>Pulls an image into the store: manifest (the platform's, from an index), config and layers in
/// parallel, every blob verified before it becomes visible, then the name. Nothing is named until every blob
/// is stored.</summary>
public sealed class ImagePuller(ImageStore images, RegistryClients clients)
{
    public int MaxParallelDownloads { get; init; } = 3;

    public Task<StoredImage> PullAsync(ImageReference reference, Platform platform, Action<PullProgress>? progress,
        CancellationToken cancellationToken) =>
        PullAsync(reference, platform, platformRequested: false, progress, cancellationToken);

    /// <summary>Pulls the image for <paramref name="platform"/>: of an index, that platform's image; a single manifest is
    /// taken whatever its platform unless the platform was asked for (<paramref name="platformRequested"/>), when one of
    /// another platform fails with docker's words before its layers are fetched.</summary>
    public async Task<StoredImage> PullAsync(ImageReference reference, Platform platform, bool platformRequested, Action<PullProgress>? progress,
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
            throw new ImageException(Failure(reference, ex), ex);
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
        if (platformRequested && chosenPlatform is null)
        {
            using var slot = new SemaphoreSlim(1);
            await DownloadAsync(client, reference.Path, manifest.Config, slot, _ => { }, cancellationToken).ConfigureAwait(false);
            var actual = (await images.ReadConfigAsync(manifest.Config.Digest, cancellationToken).ConfigureAwait(false)).Platform;
            if (!new PlatformMatcher(platform).Matches(actual))
            {
                throw new ImageException(
                    $"image with reference {reference.FamiliarString} was found but its platform ({actual.Normalize()}) does not match the specified platform ({platform})");
            }
        }
        // Every layer is named before the first byte comes, in the manifest's order, as docker lists them: those the
        // store has as "Already exists", the others "Pulling fs layer"; an image whose config the store has already
        // shows none, as docker skips the layers of an image it has. (Present blobs are still verified below.)
        var shown = blobs.GetSize(manifest.Config.Digest) != manifest.Config.Size;
        foreach (var layer in manifest.Layers.DistinctBy(l => l.Digest).Where(_ => shown))
        {
            var present = blobs.GetSize(layer.Digest) == layer.Size;
            progress(new PullProgress("layer", layer.Digest, present ? PullStatus.AlreadyExists : PullStatus.Waiting)
            {
                Current = present ? layer.Size : 0,
                Total = layer.Size,
            });
        }

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

    /// <summary>Why the image could not be had, in docker's words: the registry said not found (404), or refused
    /// (401, 403: docker cannot tell a private repository from a missing one, nor can we), or it was never reached
    /// (the transport's own words: no such host, connection refused, a TLS failure).</summary>
    internal static string Failure(ImageReference reference, RegistryException error) => error.StatusCode switch
    {
        System.Net.HttpStatusCode.NotFound =>
            $"manifest for {reference.FamiliarString} not found: {(error.Errors.Count > 0 ? string.Join("; ", error.Errors.Select(e => e.Text)) : "manifest unknown")}",
        System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden =>
            $"pull access denied for {reference.FamiliarName}, repository does not exist or may require authorization: "
            + (error.Errors.Count > 0 ? "server message: " + string.Join("; ", error.Errors.Select(e => e.Text)) : ErrorText.Describe(error)),
        _ => ErrorText.Describe(error),
    };

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
                // Said when the layers were listed (or, for an image the store has, not at all).
                return;
            }

            PullProgress At(string status, long current) => new(what, blob.Digest, status) { Current = current, Total = blob.Size };
            progress(At(PullStatus.Downloading, 0));
            await using var writer = images.Store.Blobs.OpenWriter(blob.Size, blob.Digest);
            // A report per percent (at least 64 KiB apart) is as fine as any progress view shows.
            await using var counting = new CountingStream(writer, Math.Max(blob.Size / 100, 64 << 10), written => progress(At(PullStatus.Downloading, written)));
            await client.GetBlobAsync(repository, blob.Digest, counting, blob.Size, cancellationToken).ConfigureAwait(false);
            progress(At(PullStatus.Verifying, blob.Size));
            await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
            progress(At(PullStatus.Downloaded, blob.Size));
            progress(At(PullStatus.Complete, blob.Size));
        }
        finally
        {
            slots.Release();
        }
    }
}
