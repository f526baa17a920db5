using System.Text.Json.Serialization;

namespace Slipway.Oci;

/// <summary>An OCI content descriptor: what a blob is, its digest and its size.</summary>
public sealed record Descriptor
{
    [JsonPropertyName("mediaType")]
    public required string MediaType { get; init; }

    [JsonPropertyName("digest")]
    public required Digest Digest { get; init; }

    [JsonPropertyName("size")]
    public required long Size { get; init; }

    [JsonPropertyName("urls")]
    public IReadOnlyList<string>? Urls { get; init; }

    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    [JsonPropertyName("platform")]
    public Platform? Platform { get; init; }

    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    /// <summary>The content itself, embedded (base64 on the wire); it must hash to <see cref="Digest"/>.</summary>
    [JsonPropertyName("data")]
    public ReadOnlyMemory<byte>? Data { get; init; }

    /// <summary>Describes <paramref name="content"/> as a blob of <paramref name="mediaType"/>.</summary>
    public static Descriptor For(string mediaType, ReadOnlySpan<byte> content) => new()
    {
        MediaType = mediaType,
        Digest = Digest.Compute(content),
        Size = content.Length,
    };
}
