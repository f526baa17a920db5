using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Slipway.Build.Cache;

/// <summary>The names of the exported cache format (docs/cache.md).</summary>
public static class CacheMediaTypes
{
    /// <summary>The artifactType of a cache manifest (and of its descriptor in a layout's index.json).</summary>
    public const string Artifact = "application/vnd.slipway.cache.v1";

    /// <summary>The media type of the cache manifest's config blob: a <see cref="CacheConfig"/>.</summary>
    public const string Config = "application/vnd.slipway.cache.config.v1+json";

    /// <summary>The image manifest annotation that carries an inline cache: a gzip'd, base64'd <see cref="CacheConfig"/>
    /// whose entries embed their step configs.</summary>
    public const string InlineAnnotation = "dev.slipway.cache.v1";

    /// <summary>The annotation naming the cache mount id a layer holds the contents of.</summary>
    public const string MountIdAnnotation = "dev.slipway.cache.mount.id";

    /// <summary>Larger cache configs are refused on import (a cache is hostile input like any layer).</summary>
    public const long MaxConfigBytes = 64L << 20;
}

/// <summary>The cache config blob: the step records by cache key, as the build cache stores them, and the
/// layers holding cache mount contents by id.</summary>
public sealed class CacheConfig
{
    public List<CacheEntry> Records { get; set; } = [];

    public List<CacheMountEntry> Mounts { get; set; } = [];

    /// <summary>What the build's <c>COPY --from=&lt;stage&gt;</c> steps read from their stages, by memo id
    /// (<see cref="Engine.StageFingerprints"/>): with it, a root that takes the stage from this cache keys the copy
    /// without fetching the stage's layers.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<CacheFingerprintEntry>? Fingerprints { get; set; }

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, CacheFormatJsonContext.Default.CacheConfig);

    public static CacheConfig Parse(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, CacheFormatJsonContext.Default.CacheConfig) ?? throw new JsonException("null cache config");

    /// <summary>The inline form: gzip'd and base64'd, to ride in a manifest annotation.</summary>
    public string ToInline()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(Serialize());
        }

        return Convert.ToBase64String(buffer.ToArray());
    }

    public static CacheConfig FromInline(string text)
    {
        using var gzip = new GZipStream(new MemoryStream(Convert.FromBase64String(text)), CompressionMode.Decompress);
        using var json = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = gzip.Read(chunk)) > 0)
        {
            // A small annotation must not unpack into an unbounded document.
            if (json.Length + read > CacheMediaTypes.MaxConfigBytes)
            {
                throw new InvalidDataException($"inline cache is larger than {CacheMediaTypes.MaxConfigBytes} bytes unpacked");
            }

            json.Write(chunk, 0, read);
        }

        return Parse(json.ToArray());
    }
}

/// <summary>One step: its cache key and its record (the build cache's own JSON, shipped as is). An inline cache
/// embeds the step's config blob too (base64), since the image does not carry it.</summary>
public sealed class CacheEntry
{
    public string Key { get; set; } = "";

    public JsonElement Record { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ConfigData { get; set; }
}

/// <summary>The contents of one <c>RUN --mount=type=cache</c> directory, as a layer blob of the cache manifest.</summary>
public sealed class CacheMountEntry
{
    public string Id { get; set; } = "";

    public string Digest { get; set; } = "";

    public string MediaType { get; set; } = "";

    public long Size { get; set; }
}

/// <summary>One stage fingerprint memo: absolute path in the stage → fingerprint.</summary>
public sealed class CacheFingerprintEntry
{
    public string Id { get; set; } = "";

    public Dictionary<string, string> Files { get; set; } = [];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CacheConfig))]
internal sealed partial class CacheFormatJsonContext : JsonSerializerContext;
