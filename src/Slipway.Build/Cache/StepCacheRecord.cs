using System.Text.Json;
using System.Text.Json.Serialization;
using Slipway.Build.Engine;
using Slipway.Oci;
using Slipway.Solver;
using Slipway.Store;

namespace Slipway.Build.Cache;

/// <summary>A step's cache record: its JSON exactly as stored (the unit a cache export ships, so that fields a newer
/// Slipway adds travel untouched) and the blobs it names: the config blob and the layers a step left its stage with.</summary>
public sealed record StepCacheRecord(CacheKey Key, ReadOnlyMemory<byte> Json, RecordBlobs Blobs) : CacheRecord(Key)
{
    /// <summary>The record of <paramref name="json"/>, or null when it is malformed (a miss, never an error).</summary>
    public static StepCacheRecord? Parse(CacheKey key, ReadOnlyMemory<byte> json) =>
        BlobsOf(json.Span) is { } blobs ? new StepCacheRecord(key, json, blobs) : null;

    /// <summary>The record of a step's result whose config blob is <paramref name="config"/>.</summary>
    public static StepCacheRecord Of(CacheKey key, Digest config, StepState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var record = new RecordJson
        {
            Config = config.Value,
            Layers = [.. state.Layers.Select(l => new RecordLayerJson { MediaType = l.Blob.MediaType, Digest = l.Blob.Digest.Value, Size = l.Blob.Size, DiffId = l.DiffId.Value })],
        };
        return new StepCacheRecord(key, JsonSerializer.SerializeToUtf8Bytes(record, StepCacheJsonContext.Default.RecordJson), new RecordBlobs(config, state.Layers));
    }

    /// <summary>The blobs a record refers to (its config and its layers); null when the record is malformed.</summary>
    public static RecordBlobs? BlobsOf(ReadOnlySpan<byte> json)
    {
        try
        {
            var record = JsonSerializer.Deserialize(json, StepCacheJsonContext.Default.RecordJson);
            if (record?.Layers is null || !Digest.TryParse(record.Config, out var config))
            {
                return null;
            }

            var layers = new List<LayerRef>();
            foreach (var layer in record.Layers)
            {
                if (layer is null || !Digest.TryParse(layer.Digest, out var digest) || !Digest.TryParse(layer.DiffId, out var diffId) || layer.Size < 0)
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

    /// <summary>The step state the record describes. Its config blob must be in the store; a layer need only be
    /// <paramref name="layerAvailable"/> (in the store, or in an imported cache that fetches it when a snapshot or
    /// an export needs it). A record that fails either is a miss. ARG values and whether CMD was set are build-time
    /// state the key does not cover: the op puts this build's back (<see cref="IOp{TResult}.Revive"/>).</summary>
    public async Task<StepState?> LoadAsync(LocalStore store, Func<Digest, bool> layerAvailable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(layerAvailable);
        try
        {
            if (store.Blobs.GetSize(Blobs.Config) is not (>= 0 and <= Slipway.Store.Images.ImageStore.MaxConfigBytes) || Blobs.Layers.Any(l => !layerAvailable(l.Blob.Digest)))
            {
                return null;
            }

            var config = OciJson.ParseConfig(await store.Blobs.ReadAllBytesAsync(Blobs.Config, cancellationToken).ConfigureAwait(false));
            return new StepState { Layers = Blobs.Layers, Config = config, Args = new Dictionary<string, string?>() };
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OciFormatException or IOException or StoreException
            or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>What a lease must hold for the record's result to stay usable: its layers and their snapshots.</summary>
    public static IEnumerable<Digest> Protected(StepState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Layers.SelectMany(l => new[] { l.Blob.Digest, l.DiffId });
    }
}

/// <summary>What a cache record refers to in the blob store.</summary>
public sealed record RecordBlobs(Digest Config, IReadOnlyList<LayerRef> Layers);

internal sealed class RecordJson
{
    public string Config { get; set; } = "";

    public List<RecordLayerJson> Layers { get; set; } = [];
}

internal sealed class RecordLayerJson
{
    public string MediaType { get; set; } = "";

    public string Digest { get; set; } = "";

    public long Size { get; set; }

    public string DiffId { get; set; } = "";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RecordJson))]
internal sealed partial class StepCacheJsonContext : JsonSerializerContext;
