using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Slipway.Oci;

/// <summary>Reads and writes OCI documents. Writing is canonical (see <see cref="OciJsonContext"/>); reading
/// refuses documents that could be taken two ways: a manifest that also has <c>manifests</c>, an index that
/// also has <c>layers</c> or <c>config</c>, a <c>mediaType</c> that disagrees with what the caller expected,
/// duplicate keys, or a malformed digest.</summary>
public static class OciJson
{
    // '+' in media types stays readable; the default encoder would write it as \u002B.
    private static readonly OciJsonContext Context = new(new JsonSerializerOptions(OciJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static byte[] Serialize(ImageManifest manifest) => Serialize(manifest, Context.ImageManifest);

    public static byte[] Serialize(ImageIndex index) => Serialize(index, Context.ImageIndex);

    public static byte[] Serialize(ImageConfig config) => Serialize(config, Context.ImageConfig);

    public static byte[] Serialize(Descriptor descriptor) => Serialize(descriptor, Context.Descriptor);

    /// <summary>Parses a manifest. <paramref name="expectedMediaType"/> (from a descriptor or a Content-Type) must
    /// agree with the document's own <c>mediaType</c> when both are present.</summary>
    public static ImageManifest ParseManifest(ReadOnlySpan<byte> json, string? expectedMediaType = null)
    {
        using var document = ParseDocument(json, "manifest");
        var root = document.RootElement;
        RefuseKeys(root, "manifest", "manifests");
        var mediaType = CheckMediaType(root, expectedMediaType, "manifest", MediaTypes.IsManifest);
        if (mediaType is MediaTypes.DockerManifestSchema1 or MediaTypes.DockerManifestSchema1Signed)
        {
            throw new OciFormatException("Docker image manifest schema 1 is not supported; push the image again with a current client");
        }

        var manifest = Deserialize(root, Context.ImageManifest, "manifest");
        CheckSchemaVersion(manifest.SchemaVersion, "manifest");
        if (manifest.IsDocker && !MediaTypes.IsConfig(manifest.Config.MediaType))
        {
            throw new OciFormatException($"manifest: config media type \"{manifest.Config.MediaType}\" is not an image config");
        }

        return manifest;
    }

    public static ImageIndex ParseIndex(ReadOnlySpan<byte> json, string? expectedMediaType = null)
    {
        using var document = ParseDocument(json, "index");
        var root = document.RootElement;
        RefuseKeys(root, "index", "layers", "config");
        CheckMediaType(root, expectedMediaType, "index", MediaTypes.IsIndex);
        var index = Deserialize(root, Context.ImageIndex, "index");
        CheckSchemaVersion(index.SchemaVersion, "index");
        return index;
    }

    public static ImageConfig ParseConfig(ReadOnlySpan<byte> json)
    {
        using var document = ParseDocument(json, "image config");
        var config = Deserialize(document.RootElement, Context.ImageConfig, "image config");
        if (config.RootFs.Type != "layers")
        {
            throw new OciFormatException($"image config: rootfs type \"{config.RootFs.Type}\" is not \"layers\"");
        }

        return config;
    }

    /// <summary>Reads only the <c>mediaType</c> a document declares (null when it declares none).</summary>
    public static string? PeekMediaType(ReadOnlySpan<byte> json)
    {
        using var document = ParseDocument(json, "document");
        return document.RootElement.TryGetProperty("mediaType", out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
    }

    /// <summary>The config must carry exactly one diff_id per manifest layer, or the image cannot be unpacked
    /// and checked: the two documents disagree about what the image is.</summary>
    public static void EnsureConsistent(ImageManifest manifest, ImageConfig config)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(config);
        if (config.RootFs.DiffIds.Count != manifest.Layers.Count)
        {
            throw new OciFormatException(
                $"image config has {config.RootFs.DiffIds.Count} diff_ids but the manifest has {manifest.Layers.Count} layers");
        }

        var nonEmpty = config.History?.Count(h => h.EmptyLayer != true);
        if (nonEmpty is { } count && count != 0 && count != manifest.Layers.Count)
        {
            throw new OciFormatException(
                $"image config history has {count} non-empty entries but the manifest has {manifest.Layers.Count} layers");
        }
    }

    private static byte[] Serialize<T>(T value, JsonTypeInfo<T> info) => JsonSerializer.SerializeToUtf8Bytes(value, info);

    private static JsonDocument ParseDocument(ReadOnlySpan<byte> json, string what)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new OciFormatException($"{what}: invalid JSON: {e.Message}", e);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new OciFormatException($"{what}: expected a JSON object");
        }

        return document;
    }

    private static void RefuseKeys(JsonElement root, string what, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (root.TryGetProperty(key, out _))
            {
                throw new OciFormatException($"{what}: ambiguous document: has \"{key}\", which belongs to another document type");
            }
        }
    }

    private static string? CheckMediaType(JsonElement root, string? expected, string what, Func<string?, bool> fits)
    {
        string? declared = null;
        if (root.TryGetProperty("mediaType", out var value))
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                throw new OciFormatException($"{what}: mediaType must be a string");
            }

            declared = value.GetString();
            if (declared is MediaTypes.DockerManifestSchema1 or MediaTypes.DockerManifestSchema1Signed)
            {
                return declared;
            }

            if (!fits(declared))
            {
                throw new OciFormatException($"{what}: mediaType \"{declared}\" is not a {what} media type");
            }
        }

        if (expected is not null && declared is not null && expected != declared)
        {
            throw new OciFormatException($"{what}: mediaType \"{declared}\" does not match the expected \"{expected}\"");
        }

        if (expected is not null && !fits(expected))
        {
            throw new OciFormatException($"{what}: expected media type \"{expected}\" is not a {what} media type");
        }

        return declared;
    }

    private static void CheckSchemaVersion(int version, string what)
    {
        if (version != 2)
        {
            throw new OciFormatException($"{what}: schemaVersion {version} is not supported (expected 2)");
        }
    }

    private static T Deserialize<T>(JsonElement root, JsonTypeInfo<T> info, string what)
    {
        try
        {
            return root.Deserialize(info) ?? throw new OciFormatException($"{what}: null document");
        }
        catch (JsonException e)
        {
            throw new OciFormatException($"{what}: {e.Message}", e);
        }
    }
}
