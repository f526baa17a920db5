using Slipway.Oci;
using Slipway.Store;

namespace Slipway.Store.Images;

/// <summary>Images by name or id over the content store: list, find, tag, remove.</summary>
public sealed partial class ImageStore(LocalStore store)
{
    public LocalStore Store { get; } = store;

    /// <summary>The largest image config accepted from a registry or an archive, and read from the store. Real ones
    /// are a few KiB (a few hundred with long histories); a hostile 400 MB one made every <c>images</c> use 1.25 GB.
    /// containerd and Docker have no such cap; this is twice the manifest cap, far above any real config.</summary>
    public const int MaxConfigBytes = 8 << 20;

    /// <summary>The image <paramref name="manifestDescriptor"/> is: a manifest as it is, an index narrowed to the host's
    /// platform (else its first platform present), as <see cref="LoadAsync(Descriptor, Platform?, CancellationToken)"/>.</summary>
    public Task<StoredImage> LoadAsync(Descriptor manifestDescriptor, CancellationToken cancellationToken = default) =>
        LoadAsync(manifestDescriptor, null, cancellationToken);

    private async Task<StoredImage> LoadManifestAsync(Descriptor manifestDescriptor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifestDescriptor);
        var manifestBytes = await Store.Blobs.ReadAllBytesAsync(manifestDescriptor.Digest, cancellationToken).ConfigureAwait(false);
        var manifest = OciJson.ParseManifest(manifestBytes);
        var config = await ReadConfigAsync(manifest.Config.Digest, cancellationToken).ConfigureAwait(false);
        OciJson.EnsureConsistent(manifest, config);
        return new StoredImage(manifestDescriptor, manifest, config);
    }

    /// <summary>Reads and parses a stored config, refusing one over <see cref="MaxConfigBytes"/> before reading it.</summary>
    public async Task<ImageConfig> ReadConfigAsync(Digest config, CancellationToken cancellationToken = default)
    {
        EnsureConfigSize(config, Store.Blobs.GetSize(config) ?? 0);
        return OciJson.ParseConfig(await Store.Blobs.ReadAllBytesAsync(config, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Refuses a config larger than <see cref="MaxConfigBytes"/>: called with the size a manifest declares
    /// before anything is downloaded, and with the stored size before anything is read.</summary>
    public static void EnsureConfigSize(Digest config, long size)
    {
        if (size > MaxConfigBytes)
        {
            throw new ImageException($"image config {config} is {size} bytes, more than the {MaxConfigBytes >> 20} MiB allowed");
        }
    }

    /// <summary>Each layer's unpacked size, bottom-most first (<see cref="LayerSizes"/>: counted once from the blob when
    /// not recorded yet); a layer whose blob the store lacks counts its compressed size.</summary>
    public async Task<IReadOnlyList<long>> LayerSizesAsync(StoredImage image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var sizes = new List<long>();
        foreach (var layer in image.Layers)
        {
            sizes.Add(await Store.LayerSizes.GetAsync(layer, cancellationToken).ConfigureAwait(false) ?? layer.Blob.Size);
        }

        return sizes;
    }

    /// <summary>Docker's SIZE of an image: the sum of its layers' unpacked sizes.</summary>
    public async Task<long> UnpackedSizeAsync(StoredImage image, CancellationToken cancellationToken = default) =>
        (await LayerSizesAsync(image, cancellationToken).ConfigureAwait(false)).Sum();

    /// <summary>Every name with its image, sorted by name; names whose blobs are missing are skipped. A name of an
    /// index is listed once, with the index and its host platform's image (else its first stored).</summary>
    public async Task<IReadOnlyList<NamedImage>> ListAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<NamedImage>();
        var indexes = new Dictionary<Digest, StoredIndex?>();
        foreach (var (name, descriptor) in Store.Refs.List().OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (!(MediaTypes.IsManifest(descriptor.MediaType) || MediaTypes.IsIndex(descriptor.MediaType)) || !Store.Blobs.Exists(descriptor.Digest)
                || name.StartsWith(NamedImage.ContainerPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (MediaTypes.IsIndex(descriptor.MediaType))
            {
                if (!indexes.TryGetValue(descriptor.Digest, out var index))
                {
                    indexes[descriptor.Digest] = index = await TryLoadIndexAsync(descriptor, cancellationToken).ConfigureAwait(false);
                }

                if (index is not null)
                {
                    result.Add(new NamedImage(name, Pick(index, null)) { Index = index });
                }

                continue;
            }

            StoredImage image;
            try
            {
                image = await LoadManifestAsync(descriptor, cancellationToken).ConfigureAwait(false);
            }
            catch (ImageException)
            {
                continue; // a config over the cap, stored before there was one: not listed; rmi by name still removes it
            }

            result.Add(new NamedImage(name, image));
        }

        return result;
    }

    /// <summary>An index with at least one stored image, or null (none stored, or unreadable: not listed; rmi by name
    /// still removes the name).</summary>
    private async Task<StoredIndex?> TryLoadIndexAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        try
        {
            var index = await LoadIndexAsync(descriptor, cancellationToken).ConfigureAwait(false);
            return index.Images.Count > 0 ? index : null;
        }
        catch (Exception e) when (e is ImageException or OciFormatException)
        {
            return null;
        }
    }

    /// <summary>Finds an image as Docker does: a name (normalised, <c>:latest</c> by default), a full
    /// <c>sha256:…</c> id, or a unique prefix of an id; a name or id of an index gives its host platform's image.</summary>
    public async Task<(string? Name, StoredImage Image)> FindAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var found = await FindImageAsync(nameOrId, null, cancellationToken).ConfigureAwait(false);
        return (found.Name, found.Image);
    }

    /// <summary>As <see cref="FindAsync(string, CancellationToken)"/>, the image for <paramref name="platform"/>.</summary>
    public async Task<(string? Name, StoredImage Image)> FindAsync(string nameOrId, Platform? platform, CancellationToken cancellationToken = default)
    {
        var found = await FindImageAsync(nameOrId, platform, cancellationToken).ConfigureAwait(false);
        return (found.Name, found.Image);
    }

    /// <summary>Finds a name or id as <see cref="FindAsync(string, CancellationToken)"/> does, with the index it names
    /// (if any) and its image for <paramref name="platform"/>: null takes the host's (else the first stored); a
    /// platform the image does not provide is docker's error.</summary>
    public async Task<FoundImage> FindImageAsync(string nameOrId, Platform? platform, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrId);
        if (ImageReference.TryParse(nameOrId, out var reference, out _))
        {
            var key = reference.ToString();
            var descriptor = Store.Refs.Resolve(key);
            if (descriptor is not null)
            {
                return await FoundAsync(key, reference.FamiliarString, descriptor, platform, cancellationToken).ConfigureAwait(false);
            }
        }

        var id = nameOrId.StartsWith("sha256:", StringComparison.Ordinal) ? nameOrId[7..] : nameOrId;
        if (id.Length > 0 && id.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)))
        {
            var matches = (await ListAsync(cancellationToken).ConfigureAwait(false))
                .Where(i => i.Id.Hex.StartsWith(id, StringComparison.Ordinal))
                .ToList();
            if (matches.Select(m => m.Id).Distinct().Count() > 1)
            {
                throw new ImageException($"Error response: ambiguous image id prefix: {nameOrId}");
            }

            if (matches.Count > 0)
            {
                var found = await FoundAsync(null, nameOrId, matches[0].Target, platform, cancellationToken).ConfigureAwait(false);
                return found;
            }
        }

        throw new ImageException($"No such image: {nameOrId}");
    }

    private async Task<FoundImage> FoundAsync(string? name, string shown, Descriptor target, Platform? platform, CancellationToken cancellationToken)
    {
        if (!MediaTypes.IsIndex(target.MediaType))
        {
            var image = await LoadManifestAsync(target, cancellationToken).ConfigureAwait(false);
            if (platform is not null && !new PlatformMatcher(platform).Matches(image.Config.Platform))
            {
                throw new ImageException(NoSuchPlatform(shown, platform));
            }

            return new FoundImage(name, image, null);
        }

        var index = await LoadIndexAsync(target, cancellationToken).ConfigureAwait(false);
        try
        {
            return new FoundImage(name, Pick(index, platform), index);
        }
        catch (ImageException) when (platform is not null)
        {
            throw new ImageException(NoSuchPlatform(shown, platform));
        }
    }

    /// <summary>docker's (containerd image store) words for an image without the platform asked for.</summary>
    public static string NoSuchPlatform(string reference, Platform platform) =>
        $"image with reference {reference} was found but does not provide the specified platform ({platform})";

    /// <summary>Names <paramref name="target"/> the image <paramref name="source"/> is (the index, for an index).</summary>
    public async Task TagAsync(string source, string target, CancellationToken cancellationToken = default)
    {
        var found = await FindImageAsync(source, null, cancellationToken).ConfigureAwait(false);
        var reference = ParseTarget(target);
        await SetAsync(reference, found.Target, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Keeps an image that has no name, as Docker keeps <c>&lt;none&gt;:&lt;none&gt;</c> images.</summary>
    public Task KeepDanglingAsync(Descriptor manifest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return Store.Refs.SetAsync(NamedImage.DanglingPrefix + manifest.Digest.Value, manifest, cancellationToken);
    }

    /// <summary>Keeps the image a container was made from for the container's life, whatever happens to the image's
    /// names (docker keeps an image a container uses).</summary>
    public Task KeepForContainerAsync(string containerId, Descriptor manifest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return Store.Refs.SetAsync(NamedImage.ContainerPrefix + containerId, manifest, cancellationToken);
    }

    /// <summary>The image a container was made from, as <see cref="KeepForContainerAsync"/> kept it; null when none was.</summary>
    public Descriptor? ContainerImage(string containerId) => Store.Refs.Resolve(NamedImage.ContainerPrefix + containerId);

    /// <summary>Lets go of the image a removed container kept; it goes with the next prune unless a name keeps it.</summary>
    public Task ReleaseForContainerAsync(string containerId, CancellationToken cancellationToken = default) =>
        Store.Refs.DeleteAsync(NamedImage.ContainerPrefix + containerId, cancellationToken);

    /// <summary>Drops the <c>&lt;none&gt;</c> name <see cref="KeepDanglingAsync"/> gave an image (a no-op when it has
    /// none); the image goes with the next prune unless something else names it.</summary>
    public Task ForgetDanglingAsync(Descriptor manifest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return Store.Refs.DeleteAsync(NamedImage.DanglingPrefix + manifest.Digest.Value, cancellationToken);
    }

    /// <summary>Removes a name (or, given an id, every name of that image unless several name it and
    /// <paramref name="force"/> is off, as <c>docker rmi</c> refuses). Returns the lines Docker prints. A name of an
    /// index loses the name; the index (and its platforms) go with the last one.</summary>
    public async Task<IReadOnlyList<string>> RemoveAsync(string nameOrId, bool force, CancellationToken cancellationToken = default)
    {
        FoundImage found;
        try
        {
            found = await FindImageAsync(nameOrId, null, cancellationToken).ConfigureAwait(false);
        }
        catch (ImageException) when (ImageReference.TryParse(nameOrId, out var named, out _) && Store.Refs.Resolve(named.ToString()) is not null)
        {
            // An image that cannot be read (a config over the cap, stored before there was one) can still lose its name.
            await Store.Refs.DeleteAsync(named.ToString(), cancellationToken).ConfigureAwait(false);
            return [$"Untagged: {named.FamiliarString}"];
        }

        var names = (await ListAsync(cancellationToken).ConfigureAwait(false))
            .Where(i => i.Target.Digest == found.Target.Digest)
            .Select(i => i.Name)
            .ToList();
        IEnumerable<string> toRemove;
        if (found.Name is not null)
        {
            toRemove = [found.Name];
        }
        else if (names.Count > 1 && !force)
        {
            throw new ImageException(
                $"conflict: unable to delete {found.Id.ShortHex} (must be forced) - image is referenced in multiple repositories");
        }
        else
        {
            toRemove = names;
        }

        return await RemoveNamesAsync(found.Id, found.Target, found.Index, toRemove, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes <paramref name="names"/> of the image <paramref name="target"/> is, and when no name is left what
    /// is attached to it (and to its platform images, for an index); returns the lines docker prints
    /// (<c>Untagged: …</c>, <c>Deleted: …</c>).</summary>
    private async Task<List<string>> RemoveNamesAsync(Digest id, Descriptor target, StoredIndex? index, IEnumerable<string> names,
        CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        foreach (var n in names)
        {
            await Store.Refs.DeleteAsync(n, cancellationToken).ConfigureAwait(false);
            if (!n.StartsWith(NamedImage.DanglingPrefix, StringComparison.Ordinal))
            {
                lines.Add($"Untagged: {ImageReference.Parse(n).FamiliarString}");
            }
        }

        var refs = Store.Refs.List();
        if (!refs.Values.Any(d => d.Digest == target.Digest))
        {
            lines.Add($"Deleted: {id}");
            // What was attached to the image (an SBOM kept for it, or for one of its platforms) goes with it, unless a
            // name still points at that platform's manifest.
            var owners = (index?.Images.Select(i => i.ManifestDescriptor.Digest) ?? [])
                .Where(d => !refs.Values.Any(r => r.Digest == d))
                .Append(target.Digest)
                .Select(d => ">@" + d.Value)
                .ToList();
            foreach (var attached in refs.Keys.Where(n => n.StartsWith('<') && owners.Any(o => n.EndsWith(o, StringComparison.Ordinal))).ToList())
            {
                await Store.Refs.DeleteAsync(attached, cancellationToken).ConfigureAwait(false);
            }
        }

        return lines;
    }

    /// <summary><c>docker image prune</c>: removes the dangling images (<c>&lt;none&gt;</c>, kept only by a placeholder
    /// name), or with <paramref name="all"/> every image, that <paramref name="selected"/> picks; returns docker's
    /// lines (<c>untagged: …</c>, <c>deleted: sha256:…</c>). Their blobs go when the store is pruned next.</summary>
    public async Task<IReadOnlyList<string>> PruneAsync(bool all, Func<NamedImage, bool> selected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selected);
        var lines = new List<string>();
        foreach (var group in (await ListAsync(cancellationToken).ConfigureAwait(false))
                     .Where(n => (all || n.IsDangling) && selected(n))
                     .GroupBy(n => n.Target.Digest))
        {
            var first = group.First();
            var removed = await RemoveNamesAsync(first.Id, first.Target, first.Index, group.Select(n => n.Name), cancellationToken).ConfigureAwait(false);
            lines.AddRange(removed.Select(l => char.ToLowerInvariant(l[0]) + l[1..]));
        }

        return lines;
    }

    /// <summary>The ref that attaches something of <paramref name="kind"/> (an SBOM, say) to the image whose manifest is
    /// <paramref name="manifest"/>: <c>&lt;kind&gt;@&lt;digest&gt;</c>, never listed as an image, removed with the image.</summary>
    public static string AttachmentName(string kind, Digest manifest) => $"<{kind}>@{manifest.Value}";

    /// <summary>Points a name at an image, replacing what the name pointed at before.</summary>
    public async Task SetAsync(ImageReference reference, Descriptor manifest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(manifest);
        await Store.Refs.SetAsync(reference.ToString(), manifest, cancellationToken).ConfigureAwait(false);
        // A name replaces the placeholder that kept the image while it had none.
        await Store.Refs.DeleteAsync(NamedImage.DanglingPrefix + manifest.Digest.Value, cancellationToken).ConfigureAwait(false);
    }

    public static ImageReference ParseTarget(string target)
    {
        if (!ImageReference.TryParse(target, out var reference, out var error))
        {
            throw new ImageException($"invalid reference \"{target}\": {error}");
        }

        return reference;
    }
}
