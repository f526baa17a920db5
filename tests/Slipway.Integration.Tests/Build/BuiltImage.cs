using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace Slipway.Integration.Tests.Build;

/// <summary>What a built image holds, read the way a consumer reads it: <c>inspect</c> for the config, and
/// <c>save --format oci-layout</c> for the layers.</summary>
internal static class BuiltImage
{
    public static async Task<JsonElement> InspectAsync(SlipwayRunner runner, string image)
    {
        var inspect = await runner.OkAsync("inspect", image);
        using var doc = JsonDocument.Parse(inspect.Output);
        return doc.RootElement[0].Clone();
    }

    /// <summary>The paths each layer adds, in layer order, as written in the tar (without a leading "./").</summary>
    public static async Task<List<List<string>>> LayerPathsAsync(SlipwayRunner runner, string image)
    {
        var layout = Path.Join(runner.Home, "saved-" + Guid.NewGuid().ToString("N"));
        await runner.OkAsync("save", "--format", "oci-layout", "-o", layout, image);
        try
        {
            using var index = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Join(layout, "index.json")));
            var manifestDigest = index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!;
            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Blob(layout, manifestDigest)));
            var layers = new List<List<string>>();
            foreach (var layer in manifest.RootElement.GetProperty("layers").EnumerateArray())
            {
                await using var file = File.OpenRead(Blob(layout, layer.GetProperty("digest").GetString()!));
                await using var gzip = new GZipStream(file, CompressionMode.Decompress);
                await using var tar = new TarReader(gzip);
                var paths = new List<string>();
                while (await tar.GetNextEntryAsync() is { } entry)
                {
                    paths.Add(entry.Name.TrimStart('.').TrimStart('/').TrimEnd('/'));
                }

                layers.Add(paths);
            }

            return layers;
        }
        finally
        {
            Directory.Delete(layout, recursive: true);
        }
    }

    private static string Blob(string layout, string digest) => Path.Join(layout, "blobs", "sha256", digest["sha256:".Length..]);
}
