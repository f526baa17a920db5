using System.Formats.Tar;
using Slipway.Store;
using Slipway.Store.Images;
using Slipway.Store.Layers;

namespace Slipway.Build.Export;

/// <summary>Writes a stored image's final filesystem: into a directory (<c>type=local</c>) or as one tar
/// (<c>type=tar</c>). Layers are applied in order with their whiteouts, inside the destination.</summary>
public static class FilesystemExporter
{
    /// <summary>Writes the filesystem into <paramref name="directory"/>. On the host (<c>type=local</c>) device nodes are
    /// skipped, with a warning each, even as root; <paramref name="deviceNodes"/> keeps them for a scratch directory
    /// that becomes a tar. Returns the extraction warnings.</summary>
    public static async Task<IReadOnlyList<string>> ExportDirectoryAsync(LocalStore store, StoredImage image, string directory,
        CancellationToken cancellationToken, bool deviceNodes = false)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(image);
        Directory.CreateDirectory(directory);
        var warnings = new List<string>();
        foreach (var layer in image.Manifest.Layers)
        {
            await using var blob = store.Blobs.OpenVerifiedRead(layer.Digest);
            var result = await LayerExtractor.ExtractAsync(blob, layer.MediaType, directory,
                new ExtractOptions { Whiteouts = WhiteoutMode.ApplyToLowerLayers, DeviceNodes = deviceNodes }, cancellationToken).ConfigureAwait(false);
            warnings.AddRange(result.Warnings);
        }

        return warnings;
    }

    public static Task ExportTarAsync(LocalStore store, StoredImage image, Stream output, string scratch, CancellationToken cancellationToken) =>
        ExportTarAsync(store, [image], output, scratch, cancellationToken);

    /// <summary>The folder of one platform's filesystem when a build made several, as BuildKit's local and tar
    /// exporters name it: the platform with <c>_</c> for <c>/</c> (<c>linux_amd64</c>, <c>linux_arm_v7</c>).</summary>
    public static string PlatformFolder(StoredImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return (image.ManifestDescriptor.Platform ?? image.Config.Platform).ToString().Replace('/', '_');
    }

    /// <summary>One tar of the filesystem of the one image, or of each of several in its <see cref="PlatformFolder"/>.</summary>
    public static async Task ExportTarAsync(LocalStore store, IReadOnlyList<StoredImage> images, Stream output, string scratch,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        var dir = Path.Join(scratch, "rootfs-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var image in images)
            {
                var into = images.Count == 1 ? dir : Path.Join(dir, PlatformFolder(image));
                await ExportDirectoryAsync(store, image, into, cancellationToken, deviceNodes: true).ConfigureAwait(false);
            }

            await TarFile.CreateFromDirectoryAsync(dir, output, includeBaseDirectory: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }
        }
    }
}
