using Slipway.Cli.Output;
using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Cli.Commands;

/// <summary>The rows of <c>images --tree</c> from the store, as docker's containerd image store counts them: one image
/// per target (all its names), a child per platform in index order (a single manifest has one), each child's ID its
/// manifest digest, CONTENT SIZE the bytes of its blobs the store holds, DISK USAGE that plus its unpacked size; an
/// image's totals sum its children's (and its attestations' content). Newest first.</summary>
internal static class ImagesTree
{
    public static async Task<IReadOnlyList<TreeImage>> BuildAsync(ImageStore images, IReadOnlyList<NamedImage> named, IReadOnlySet<Digest> inUse,
        CancellationToken token)
    {
        var result = new List<(TreeImage Image, DateTimeOffset? Created)>();
        foreach (var group in named.GroupBy(n => n.Target.Digest))
        {
            var first = group.First();
            var names = group.Where(n => n.Reference?.Tag is not null).Select(n => n.Reference!.FamiliarName + ":" + n.Reference.Tag).ToList();
            var children = new List<TreeChild>();
            long content = 0;
            long disk = 0;
            var entries = first.Index is { } index
                ? index.PlatformManifests
                : [first.Image.ManifestDescriptor with { Platform = first.Image.ManifestDescriptor.Platform ?? first.Image.Config.Platform }];
            foreach (var entry in entries)
            {
                var image = first.Index?.Images.FirstOrDefault(i => i.ManifestDescriptor.Digest == entry.Digest)
                    ?? (first.Index is null ? first.Image : null);
                var present = image is null ? 0 : PresentContent(images, image);
                var unpacked = image is null ? 0 : await images.UnpackedSizeAsync(image, token).ConfigureAwait(false);
                var used = image is not null && inUse.Contains(image.Id);
                children.Add(new TreeChild(Format(entry.Platform ?? image?.Config.Platform), image is not null,
                    new TreeDetails(entry.Digest.Value, present + unpacked, present, used)));
                content += present;
                disk += present + unpacked;
            }

            if (first.Index is { } withAttestations)
            {
                var attested = await AttestationContentAsync(images, withAttestations, token).ConfigureAwait(false);
                content += attested;
                disk += attested;
            }

            var details = new TreeDetails(first.Id.Value, disk, content, children.Any(c => c.Details.InUse));
            result.Add((new TreeImage(names, details, children), first.Image.Config.Created));
        }

        return [.. result.OrderByDescending(r => r.Created ?? DateTimeOffset.MinValue).Select(r => r.Image)];
    }

    /// <summary>containerd's platforms.Format: <c>os/arch[/variant]</c>, <c>unknown</c> when there is none.</summary>
    private static string Format(Platform? platform) => platform is null ? "unknown" : platform.ToString();

    /// <summary>The bytes of an image's manifest, config and layers that the store holds.</summary>
    private static long PresentContent(ImageStore images, StoredImage image) =>
        image.Manifest.Layers.Prepend(image.Manifest.Config).Append(image.ManifestDescriptor)
            .DistinctBy(d => d.Digest)
            .Where(d => images.Store.Blobs.Exists(d.Digest))
            .Sum(d => d.Size);

    private static async Task<long> AttestationContentAsync(ImageStore images, StoredIndex index, CancellationToken token)
    {
        long total = 0;
        foreach (var entry in index.Index.Manifests.Where(m => StoredIndex.IsAttestation(m) && images.Store.Blobs.Exists(m.Digest)))
        {
            try
            {
                var manifest = OciJson.ParseManifest(await images.Store.Blobs.ReadAllBytesAsync(entry.Digest, token).ConfigureAwait(false));
                total += entry.Size + manifest.Layers.Prepend(manifest.Config).Where(d => images.Store.Blobs.Exists(d.Digest)).Sum(d => d.Size);
            }
            catch (OciFormatException)
            {
                // Not a manifest after all: nothing to count.
            }
        }

        return total;
    }
}
