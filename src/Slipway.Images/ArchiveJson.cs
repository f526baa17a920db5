using System.Text.Json.Serialization;

namespace Slipway.Images;

/// <summary>One entry of the <c>manifest.json</c> that <c>docker save</c> writes and <c>docker load</c> reads.</summary>
public sealed class DockerArchiveManifest
{
    [JsonPropertyName("Config")]
    public string Config { get; set; } = "";

    [JsonPropertyName("RepoTags")]
    public List<string>? RepoTags { get; set; }

    [JsonPropertyName("Layers")]
    public List<string> Layers { get; set; } = [];
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<DockerArchiveManifest>))]
internal sealed partial class ArchiveJsonContext : JsonSerializerContext;
