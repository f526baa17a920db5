using System.Formats.Tar;
using Slipway.Oci;
using Slipway.Store.Images;
using Slipway.Store.Layers;
using Slipway.Store;

namespace Slipway.Images;

/// <summary>Where a build's result goes besides the store, as <c>--output type=…</c> names it.</summary>
public enum OutputKind
{
    Image,
    Oci,
    Docker,
    Tar,
    Local,
    Registry,
}

/// <summary>One <c>--output</c>: its kind, destination and whether to push.</summary>
public sealed record OutputSpec(OutputKind Kind, string? Destination, string? Name, bool Push)
{
    /// <summary>Parses BuildKit's CSV form (<c>type=local,dest=out</c>) and its shorthands (<c>-o out</c> is
    /// local, <c>-o -</c> is a tar on standard output).</summary>
    public static OutputSpec Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains('=', StringComparison.Ordinal))
        {
            return value == "-" ? new OutputSpec(OutputKind.Tar, "-", null, false) : new OutputSpec(OutputKind.Local, value, null, false);
        }

        string? type = null, dest = null, name = null;
        var push = false;
        foreach (var field in value.Split(','))
        {
            var eq = field.IndexOf('=', StringComparison.Ordinal);
            var (key, val) = eq < 0 ? (field, "true") : (field[..eq].Trim(), field[(eq + 1)..].Trim());
            switch (key)
            {
                case "type": type = val; break;
                case "dest": dest = val; break;
                case "name": name = val; break;
                case "push": push = val == "true"; break;
                default: throw new ImageException($"unsupported --output attribute \"{key}\"");
            }
        }

        var kind = type switch
        {
            "image" => OutputKind.Image,
            "oci" => OutputKind.Oci,
            "docker" => OutputKind.Docker,
            "tar" => OutputKind.Tar,
            "local" => OutputKind.Local,
            "registry" => OutputKind.Registry,
            null => throw new ImageException("--output needs type="),
            _ => throw new ImageException($"unsupported --output type \"{type}\" (image, oci, docker, tar, local, registry)"),
        };
        if (kind is OutputKind.Oci or OutputKind.Docker or OutputKind.Tar or OutputKind.Local && dest is null)
        {
            throw new ImageException($"--output type={type} needs dest=");
        }

        return new OutputSpec(kind, dest, name, push || kind == OutputKind.Registry);
    }
}

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
