using System.Formats.Tar;
using System.IO.Compression;
using Slipway.Oci;
using Slipway.Store;

namespace Slipway.Cli.Tests;

/// <summary>Images written straight into a store: a gzip layer per file (of zeros, so it compresses), a config with a
/// creation time, labels and history, a manifest and a name (or the placeholder of a dangling image).</summary>
internal static class SeededImages
{
    public sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    public static (byte[] Blob, Digest DiffId) Layer(string path, int size)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(new byte[size]) });
        }

        using var gz = new MemoryStream();
        using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            zip.Write(tar.ToArray());
        }

        return (gz.ToArray(), Digest.Compute(tar.ToArray()));
    }

    public static async Task<string> SeedAsync(LocalStore store, string? name, DateTimeOffset created, IReadOnlyDictionary<string, string>? labels,
        IReadOnlyList<HistoryEntry> history, params (string Path, int Size)[] files)
    {
        var ct = TestContext.Current.CancellationToken;
        var layers = new List<Descriptor>();
        var diffIds = new List<Digest>();
        foreach (var (path, size) in files)
        {
            var (blob, diffId) = Layer(path, size);
            layers.Add(await store.Blobs.WriteAsync(MediaTypes.OciLayerGzip, blob, ct));
            diffIds.Add(diffId);
        }

        var config = await store.Blobs.WriteAsync(MediaTypes.OciConfig, OciJson.Serialize(new ImageConfig
        {
            Architecture = "amd64",
            Os = "linux",
            Created = created,
            Config = new ContainerConfig { Labels = labels, Cmd = ["/app"] },
            RootFs = new RootFs { DiffIds = diffIds },
            History = history,
        }), ct);
        var manifest = await store.Blobs.WriteAsync(MediaTypes.OciManifest,
            OciJson.Serialize(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = config, Layers = layers }), ct);
        await store.Refs.SetAsync(name ?? "<none>@" + manifest.Digest.Value, manifest, ct);
        return config.Digest.ShortHex;
    }
}
