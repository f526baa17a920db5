using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace Slipway.Integration.Tests.Build;

/// <summary>The platform images of an OCI image layout (what <c>-o type=oci</c> writes or <c>skopeo copy --all</c>
/// fetches), read as a consumer reads them: index.json, through nested indexes, to each platform's manifest and
/// then its layers.</summary>
internal static class OciImages
{
    private const string IndexMediaType = "application/vnd.oci.image.index.v1+json";
    private const string ManifestListMediaType = "application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>Unpacks the layout tar <paramref name="archive"/> into a new directory under
    /// <paramref name="parent"/> and returns it.</summary>
    public static async Task<string> UntarAsync(string archive, string parent, CancellationToken ct)
    {
        var dir = Directory.CreateDirectory(Path.Join(parent, "layout-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        await TarFile.ExtractToDirectoryAsync(archive, dir, overwriteFiles: false, ct);
        return dir;
    }

    /// <summary>Every image manifest reachable from the layout's index.json, by "os/architecture"; attestation
    /// manifests (platform unknown/unknown) are left out.</summary>
    public static async Task<Dictionary<string, JsonElement>> ManifestsAsync(string layout, CancellationToken ct)
    {
        var found = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var index = await JsonAsync(Path.Join(layout, "index.json"), ct);
        await CollectAsync(layout, index, found, ct);
        return found;
    }

    /// <summary>The text of <paramref name="path"/> (relative, no leading slash) in the image's filesystem: the
    /// topmost layer that holds it wins; null when none does.</summary>
    public static async Task<string?> ReadFileAsync(string layout, JsonElement manifest, string path, CancellationToken ct) =>
        await ReadBytesAsync(layout, manifest, path, ct) is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : null;

    /// <summary>The bytes of <paramref name="path"/> in the image's filesystem, as <see cref="ReadFileAsync"/>.</summary>
    public static async Task<byte[]?> ReadBytesAsync(string layout, JsonElement manifest, string path, CancellationToken ct)
    {
        byte[]? bytes = null;
        foreach (var layer in manifest.GetProperty("layers").EnumerateArray())
        {
            await using var file = File.OpenRead(Blob(layout, layer.GetProperty("digest").GetString()!));
            await using var gzip = new GZipStream(file, CompressionMode.Decompress);
            await using var tar = new TarReader(gzip);
            while (await tar.GetNextEntryAsync(copyData: false, ct) is { } entry)
            {
                if (entry.Name.TrimStart('.').TrimStart('/') == path && entry.DataStream is { } data)
                {
                    using var copy = new MemoryStream();
                    await data.CopyToAsync(copy, ct);
                    bytes = copy.ToArray();
                }
            }
        }

        return bytes;
    }

    private static async Task CollectAsync(string layout, JsonElement index, Dictionary<string, JsonElement> found, CancellationToken ct)
    {
        foreach (var descriptor in index.GetProperty("manifests").EnumerateArray())
        {
            var blob = await JsonAsync(Blob(layout, descriptor.GetProperty("digest").GetString()!), ct);
            var mediaType = descriptor.GetProperty("mediaType").GetString();
            if (mediaType is IndexMediaType or ManifestListMediaType)
            {
                await CollectAsync(layout, blob, found, ct);
                continue;
            }

            var config = await JsonAsync(Blob(layout, blob.GetProperty("config").GetProperty("digest").GetString()!), ct);
            var platform = $"{config.GetProperty("os").GetString()}/{config.GetProperty("architecture").GetString()}";
            if (platform != "unknown/unknown")
            {
                found[platform] = blob;
            }
        }
    }

    private static async Task<JsonElement> JsonAsync(string path, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path, ct));
        return document.RootElement.Clone();
    }

    private static string Blob(string layout, string digest) => Path.Join(layout, "blobs", "sha256", digest["sha256:".Length..]);
}
