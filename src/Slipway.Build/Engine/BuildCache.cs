using System.Text.Json;
using System.Text.Json.Serialization;
using Slipway.Oci;
using Slipway.Store;

namespace Slipway.Build.Engine;

/// <summary>Step results by cache key, under <c>cache/</c> in the store: the config blob and the layers a step
/// left its stage with. A record whose blobs were collected is a miss, never an error.</summary>
public sealed class BuildCache(LocalStore store)
{
    private string Dir => store.Layout.CacheRecords;

    public async Task<StepState?> TryLoadAsync(Digest key, CancellationToken cancellationToken)
    {
        var json = await ReadRecordAsync(key, cancellationToken).ConfigureAwait(false);
        var state = json is null ? null : await LoadAsync(json, store.Blobs.Exists, cancellationToken).ConfigureAwait(false);
        if (state is not null)
        {
            // The record's mtime is its last use: prune --keep-storage and until= remove the least recently used first.
            try
            {
                File.SetLastWriteTimeUtc(Path.Join(Dir, key.Hex + ".json"), store.Time.GetUtcNow().UtcDateTime);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A record pruned meanwhile is still this build's hit: the lease now holds its blobs.
            }
        }

        return state;
    }

    /// <summary>The record stored under <paramref name="key"/> exactly as written: the unit a cache export ships.
    /// Null when there is none.</summary>
    public async Task<byte[]?> ReadRecordAsync(Digest key, CancellationToken cancellationToken)
    {
        var file = Path.Join(Dir, key.Hex + ".json");
        try
        {
            return File.Exists(file) ? await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The blobs a record refers to (its config and its layers); null when the record is malformed.</summary>
    public static RecordBlobs? BlobsOf(ReadOnlySpan<byte> json)
    {
        try
        {
            var record = JsonSerializer.Deserialize(json, CacheJsonContext.Default.CacheRecord);
            if (record is null || !Digest.TryParse(record.Config, out var config))
            {
                return null;
            }

            var layers = new List<LayerRef>();
            foreach (var layer in record.Layers)
            {
                if (!Digest.TryParse(layer.Digest, out var digest) || !Digest.TryParse(layer.DiffId, out var diffId) || layer.Size < 0)
                {
                    return null;
                }

                layers.Add(new LayerRef(new Descriptor { MediaType = layer.MediaType, Digest = digest, Size = layer.Size }, diffId));
            }

            return new RecordBlobs(config, layers);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The step state a record describes. Its config blob must be in the store; a layer need only be
    /// <paramref name="layerAvailable"/> (in the store, or in an imported cache that fetches it when a snapshot or
    /// an export needs it). A record that fails either is a miss.</summary>
    public async Task<StepState?> LoadAsync(byte[] json, Func<Digest, bool> layerAvailable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layerAvailable);
        try
        {
            if (BlobsOf(json) is not { } blobs || store.Blobs.GetSize(blobs.Config) is not (>= 0 and <= Slipway.Store.Images.ImageStore.MaxConfigBytes)
                || blobs.Layers.Any(l => !layerAvailable(l.Blob.Digest)))
            {
                return null;
            }

            // ARG values are build-time state the key does not cover: the executor puts this build's back.
            var config = OciJson.ParseConfig(await store.Blobs.ReadAllBytesAsync(blobs.Config, cancellationToken).ConfigureAwait(false));
            return new StepState { Layers = blobs.Layers, Config = config, Args = new Dictionary<string, string?>() };
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OciFormatException or IOException or StoreException
            or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Stores a step's result; its config blob joins <paramref name="lease"/> (the build's) before it is
    /// visible, so a concurrent prune cannot leave the record naming a missing config.</summary>
    public async Task SaveAsync(Digest key, StepState state, Lease? lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var config = await store.Blobs.WriteAsync(MediaTypes.OciConfig, OciJson.Serialize(state.Config), lease, cancellationToken).ConfigureAwait(false);
        var record = new CacheRecord
        {
            Config = config.Digest.Value,
            Layers = [.. state.Layers.Select(l => new CacheLayer { MediaType = l.Blob.MediaType, Digest = l.Blob.Digest.Value, Size = l.Blob.Size, DiffId = l.DiffId.Value })],
        };
        Directory.CreateDirectory(Dir);
        DurableFile.ReplaceAtomically(Path.Join(Dir, key.Hex + ".json"), JsonSerializer.SerializeToUtf8Bytes(record, CacheJsonContext.Default.CacheRecord));
    }
}

/// <summary>What a cache record refers to in the blob store.</summary>
public sealed record RecordBlobs(Digest Config, IReadOnlyList<LayerRef> Layers);

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
