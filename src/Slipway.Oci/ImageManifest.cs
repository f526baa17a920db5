using System.Text.Json.Serialization;

namespace Slipway.Oci;

/// <summary>An image manifest: OCI (<c>application/vnd.oci.image.manifest.v1+json</c>) or Docker v2 schema 2.
/// Parse with <see cref="OciJson.ParseManifest"/>, which refuses ambiguous documents.</summary>
public sealed record ImageManifest
{
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 2;

    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    [JsonPropertyName("config")]
    public required Descriptor Config { get; init; }

    [JsonPropertyName("layers")]
    public required IReadOnlyList<Descriptor> Layers { get; init; }

    [JsonPropertyName("subject")]
    public Descriptor? Subject { get; init; }

    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>True for the Docker v2 schema 2 flavour (which always names its media type).</summary>
    [JsonIgnore]
    public bool IsDocker => MediaType == MediaTypes.DockerManifest;
}
