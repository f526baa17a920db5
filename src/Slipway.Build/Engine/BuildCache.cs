using System.Text.Json;
using System.Text.Json.Serialization;
using Slipway.Oci;
using Slipway.Store;

namespace Slipway.Build.Engine;

/// <summary>Step results by cache key, under <c>cache/</c> in the store: the config blob and the layers a step
/// left its stage with. A record whose blobs were collected is a miss, never an error.</summary>
public sealed class BuildCache(LocalStore store)
{
    private string Dir => Path.Join(store.Layout.Root, "cache");

    public async Task<StepState?> TryLoadAsync(Digest key, CancellationToken cancellationToken)
    {
        var file = Path.Join(Dir, key.Hex + ".json");
        if (!File.Exists(file))
        {
            return null;
        }

        try
        {
            var record = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false),
                CacheJsonContext.Default.CacheRecord);
            if (record is null || !Digest.TryParse(record.Config, out var configDigest) || !store.Blobs.Exists(configDigest))
            {
                return null;
            }

            var layers = new List<LayerRef>();
            foreach (var layer in record.Layers)
            {
                if (!Digest.TryParse(layer.Digest, out var digest) || !Digest.TryParse(layer.DiffId, out var diffId) || !store.Blobs.Exists(digest))
                {
                    return null;
                }

                layers.Add(new LayerRef(new Descriptor { MediaType = layer.MediaType, Digest = digest, Size = layer.Size }, diffId));
            }

            var config = OciJson.ParseConfig(await store.Blobs.ReadAllBytesAsync(configDigest, cancellationToken).ConfigureAwait(false));
            // The record's mtime is its last use: prune --keep-storage and until= remove the least recently used first.
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow);
            // ARG values are build-time state the key does not cover: the executor puts this build's back.
            return new StepState { Layers = layers, Config = config, Args = new Dictionary<string, string?>() };
        }
        catch (Exception ex) when (ex is JsonException or FormatException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public async Task SaveAsync(Digest key, StepState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var config = await store.Blobs.WriteAsync(MediaTypes.OciConfig, OciJson.Serialize(state.Config), cancellationToken).ConfigureAwait(false);
        var record = new CacheRecord
        {
            Config = config.Digest.Value,
            Layers = [.. state.Layers.Select(l => new CacheLayer { MediaType = l.Blob.MediaType, Digest = l.Blob.Digest.Value, Size = l.Blob.Size, DiffId = l.DiffId.Value })],
        };
        Directory.CreateDirectory(Dir);
        var file = Path.Join(Dir, key.Hex + ".json");
        var temp = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(record, CacheJsonContext.Default.CacheRecord), cancellationToken)
            .ConfigureAwait(false);
        File.Move(temp, file, overwrite: true);
    }
}

internal sealed class CacheRecord
{
    public string Config { get; set; } = "";

    public List<CacheLayer> Layers { get; set; } = [];
}

internal sealed class CacheLayer
{
    public string MediaType { get; set; } = "";

    public string Digest { get; set; } = "";

    public long Size { get; set; }

    public string DiffId { get; set; } = "";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CacheRecord))]
internal sealed partial class CacheJsonContext : JsonSerializerContext;
