using System.Text.Json;
using System.Text.Json.Serialization;

namespace Slipway.Store;

/// <summary><c>&lt;root&gt;/config.json</c>: settings that belong to a store rather than to one command, e.g.
/// <c>{"gc": {"keepStorage": "20GB"}}</c>. Absent means defaults.</summary>
public sealed record StoreConfig
{
    [JsonPropertyName("gc")]
    public GcConfig? Gc { get; init; }

    public static string PathIn(StoreLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return layout.ConfigFile;
    }

    /// <summary>Reads the store's config; a file that does not parse is an error naming the file, never ignored.</summary>
    public static StoreConfig Load(StoreLayout layout)
    {
        var path = PathIn(layout);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return new StoreConfig();
        }

        try
        {
            var config = JsonSerializer.Deserialize(bytes, StoreConfigJsonContext.Default.StoreConfig) ?? new StoreConfig();
            if (config.Gc?.KeepStorage is { } keep && !ByteSize.TryParse(keep, out _, out var error))
            {
                throw new InvalidDataException($"{path}: gc.keepStorage: {error}");
            }

            return config;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>The build cache cap in bytes, or null when none is set.</summary>
    public long? KeepStorageBytes => Gc?.KeepStorage is { } keep ? ByteSize.Parse(keep) : null;
}

public sealed record GcConfig
{
    /// <summary>The most the build cache may take (a size like "20GB"); builds prune it back to this.</summary>
    [JsonPropertyName("keepStorage")]
    public string? KeepStorage { get; init; }
}

[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(StoreConfig))]
internal sealed partial class StoreConfigJsonContext : JsonSerializerContext;
