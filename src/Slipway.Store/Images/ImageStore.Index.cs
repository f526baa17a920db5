using Slipway.Oci;

namespace Slipway.Store.Images;

/// <summary>Image indexes (multi-platform images) as docker's containerd image store keeps them: a ref may point at an
/// index, which may be partial (only the platforms pulled or built are stored); an index name stands for its host
/// platform's image unless a platform is asked for.</summary>
public sealed partial class ImageStore
{
    /// <summary>The largest index read from the store, as large as a manifest may be.</summary>
    public const int MaxIndexBytes = 4 << 20;

    /// <summary>The image <paramref name="descriptor"/> is. A manifest is loaded as it is (<paramref name="platform"/> is
    /// not checked: docker runs a single-platform image whatever its platform). An index is narrowed to the image for
    /// <paramref name="platform"/> among those stored (containerd's matching, so arm64 also takes arm/v8); with no
    /// platform, the host's, else the first stored (docker: "the platform's default platform is used or, if not
    /// present, the first available variant"). None matching is an <see cref="ImageException"/> naming what it has.</summary>
    public async Task<StoredImage> LoadAsync(Descriptor descriptor, Platform? platform, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (!await IsIndexAsync(descriptor, cancellationToken).ConfigureAwait(false))
        {
            return await LoadManifestAsync(descriptor, cancellationToken).ConfigureAwait(false);
        }

        return Pick(await LoadIndexAsync(descriptor, cancellationToken).ConfigureAwait(false), platform);
    }

    /// <summary>An index and the platform images of it the store holds (attestation manifests and absent ones left out).</summary>
    public async Task<StoredIndex> LoadIndexAsync(Descriptor index, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (Store.Blobs.GetSize(index.Digest) is > MaxIndexBytes)
        {
            throw new ImageException($"image index {index.Digest} is larger than {MaxIndexBytes >> 20} MiB");
        }

        var parsed = OciJson.ParseIndex(await Store.Blobs.ReadAllBytesAsync(index.Digest, cancellationToken).ConfigureAwait(false));
        var images = new List<StoredImage>();
        foreach (var entry in parsed.Manifests)
        {
            if (StoredIndex.IsAttestation(entry) || !MediaTypes.IsManifest(entry.MediaType) || !Store.Blobs.Exists(entry.Digest)
                || images.Any(i => i.ManifestDescriptor.Digest == entry.Digest))
            {
                continue;
            }

            var image = await LoadManifestAsync(entry, cancellationToken).ConfigureAwait(false);
            images.Add(entry.Platform is null ? image with { ManifestDescriptor = entry with { Platform = image.Config.Platform } } : image);
        }

        return new StoredIndex(index, parsed, images);
    }

    /// <summary>Writes an OCI index listing <paramref name="images"/> in the order given, each entry with its platform
    /// (the one its descriptor carries, else its config's), under the lease when one is given. The same input gives
    /// the same bytes: entries keep their order and the annotations are written sorted.</summary>
    public async Task<StoredIndex> WriteIndexAsync(IReadOnlyList<StoredImage> images, IReadOnlyDictionary<string, string>? annotations,
        Lease? lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("an index needs at least one image", nameof(images));
        }

        var entries = images.Select(i => new Descriptor
        {
            MediaType = i.ManifestDescriptor.MediaType,
            Digest = i.ManifestDescriptor.Digest,
            Size = i.ManifestDescriptor.Size,
            Platform = i.ManifestDescriptor.Platform ?? i.Config.Platform,
        }).ToList();
        var index = new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests = entries,
            Annotations = annotations is { Count: > 0 } ? new SortedDictionary<string, string>(annotations.ToDictionary(), StringComparer.Ordinal) : null,
        };
        var bytes = OciJson.Serialize(index);
        var descriptor = await Store.Blobs.WriteAsync(MediaTypes.OciIndex, bytes, lease, cancellationToken).ConfigureAwait(false);
        var stored = images.Zip(entries, (image, entry) => image with { ManifestDescriptor = entry }).ToList();
        return new StoredIndex(descriptor, index, stored);
    }

    /// <summary>Whether a stored descriptor is an index: its media type says so, or (a descriptor with no known media
    /// type) the document does.</summary>
    public async Task<bool> IsIndexAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (MediaTypes.IsIndex(descriptor.MediaType))
        {
            return true;
        }

        if (MediaTypes.IsManifest(descriptor.MediaType) || Store.Blobs.GetSize(descriptor.Digest) is null or > MaxIndexBytes)
        {
            return false;
        }

        var bytes = await Store.Blobs.ReadAllBytesAsync(descriptor.Digest, cancellationToken).ConfigureAwait(false);
        try
        {
            return MediaTypes.IsIndex(OciJson.PeekMediaType(bytes));
        }
        catch (OciFormatException)
        {
            return false;
        }
    }

    /// <summary>The image of a stored index for <paramref name="platform"/>, as <see cref="LoadAsync(Descriptor, Platform?, CancellationToken)"/>
    /// describes.</summary>
    public static StoredImage Pick(StoredIndex index, Platform? platform)
    {
        ArgumentNullException.ThrowIfNull(index);
        var matcher = new PlatformMatcher(platform ?? Platform.Host);
        var best = matcher.SelectBest(index.Images.Select(i => i.ManifestDescriptor));
        if (best is not null)
        {
            return index.Images.First(i => i.ManifestDescriptor.Digest == best.Digest);
        }

        if (platform is null && index.Images.Count > 0)
        {
            return index.Images[0];
        }

        throw new ImageException(index.Images.Count == 0
            ? $"image index {index.Id} holds none of its platforms' images"
            : $"image index {index.Id} has no image for platform {platform}; it has {DescribePlatforms(index)}");
    }

    /// <summary>The platforms of an index, stored ones first as listed: <c>linux/amd64, linux/arm64 (not stored)</c>.</summary>
    public static string DescribePlatforms(StoredIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        return string.Join(", ", index.PlatformManifests.Select(m =>
            (m.Platform?.ToString() ?? "unknown") + (index.Holds(m) ? "" : " (not stored)")));
    }
}
