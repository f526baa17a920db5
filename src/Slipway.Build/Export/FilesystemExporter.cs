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

    public static async Task ExportTarAsync(LocalStore store, StoredImage image, Stream output, string scratch, CancellationToken cancellationToken)
    {
        var dir = Path.Join(scratch, "rootfs-" + Guid.NewGuid().ToString("N"));
        try
        {
            await ExportDirectoryAsync(store, image, dir, cancellationToken, deviceNodes: true).ConfigureAwait(false);
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
