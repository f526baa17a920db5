using System.Text.Json;
using System.Text.Json.Serialization;

namespace Slipway.Oci;

/// <summary>The image configuration blob with every field Docker keeps. Fields this model does not name
/// (legacy <c>container_config</c>, <c>docker_version</c> …) survive a round trip in <see cref="Extra"/>.</summary>
public sealed record ImageConfig
{
    [JsonPropertyName("created")]
    [JsonConverter(typeof(Rfc3339TimeConverter))]
    public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("author")]
    public string? Author { get; init; }

    [JsonPropertyName("architecture")]
    public required string Architecture { get; init; }

    [JsonPropertyName("os")]
    public required string Os { get; init; }

    [JsonPropertyName("os.version")]
    public string? OsVersion { get; init; }

    [JsonPropertyName("os.features")]
    public IReadOnlyList<string>? OsFeatures { get; init; }

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    [JsonPropertyName("config")]
    public ContainerConfig? Config { get; init; }

    [JsonPropertyName("rootfs")]
    public required RootFs RootFs { get; init; }

    [JsonPropertyName("history")]
    public IReadOnlyList<HistoryEntry>? History { get; init; }

    // A setter, not init: source generation cannot bind extension data through the constructor.
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    [JsonIgnore]
    public Platform Platform => new()
    {
        Os = Os,
        Architecture = Architecture,
        Variant = Variant,
        OsVersion = OsVersion,
        OsFeatures = OsFeatures,
    };
}

/// <summary>The runtime defaults an image carries (Docker's <c>container.Config</c> subset that images keep).
/// Wire names are Docker's PascalCase.</summary>
public sealed record ContainerConfig
{
    [JsonPropertyName("User")]
    public string? User { get; init; }

    /// <summary>Ports such as <c>80/tcp</c>; written as a JSON object whose values are empty objects.</summary>
    [JsonPropertyName("ExposedPorts")]
    [JsonConverter(typeof(ObjectSetConverter))]
    public IReadOnlyList<string>? ExposedPorts { get; init; }

    [JsonPropertyName("Env")]
    public IReadOnlyList<string>? Env { get; init; }

    [JsonPropertyName("Entrypoint")]
    public IReadOnlyList<string>? Entrypoint { get; init; }

    [JsonPropertyName("Cmd")]
    public IReadOnlyList<string>? Cmd { get; init; }

    [JsonPropertyName("Volumes")]
    [JsonConverter(typeof(ObjectSetConverter))]
    public IReadOnlyList<string>? Volumes { get; init; }

    [JsonPropertyName("WorkingDir")]
    public string? WorkingDir { get; init; }

    [JsonPropertyName("Labels")]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    [JsonPropertyName("StopSignal")]
    public string? StopSignal { get; init; }

    [JsonPropertyName("ArgsEscaped")]
    public bool? ArgsEscaped { get; init; }

    [JsonPropertyName("Healthcheck")]
    public HealthConfig? Healthcheck { get; init; }

    [JsonPropertyName("OnBuild")]
    public IReadOnlyList<string>? OnBuild { get; init; }

    [JsonPropertyName("Shell")]
    public IReadOnlyList<string>? Shell { get; init; }

    // A setter, not init: source generation cannot bind extension data through the constructor.
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>HEALTHCHECK settings. Durations travel as integer nanoseconds, as in Docker.</summary>
public sealed record HealthConfig
{
    /// <summary><c>["NONE"]</c>, <c>["CMD", args…]</c> or <c>["CMD-SHELL", command]</c>.</summary>
    [JsonPropertyName("Test")]
    public IReadOnlyList<string>? Test { get; init; }

    [JsonPropertyName("Interval")]
    [JsonConverter(typeof(NanosecondsConverter))]
    public TimeSpan? Interval { get; init; }

    [JsonPropertyName("Timeout")]
    [JsonConverter(typeof(NanosecondsConverter))]
    public TimeSpan? Timeout { get; init; }

    [JsonPropertyName("StartPeriod")]
    [JsonConverter(typeof(NanosecondsConverter))]
    public TimeSpan? StartPeriod { get; init; }

    [JsonPropertyName("StartInterval")]
    [JsonConverter(typeof(NanosecondsConverter))]
    public TimeSpan? StartInterval { get; init; }

    [JsonPropertyName("Retries")]
    public int? Retries { get; init; }
}

public sealed record RootFs
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "layers";

    /// <summary>Digests of the uncompressed layer tars, in order; one per manifest layer.</summary>
    [JsonPropertyName("diff_ids")]
    public required IReadOnlyList<Digest> DiffIds { get; init; }
}

public sealed record HistoryEntry
{
    [JsonPropertyName("created")]
    [JsonConverter(typeof(Rfc3339TimeConverter))]
    public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("created_by")]
    public string? CreatedBy { get; init; }

    [JsonPropertyName("author")]
    public string? Author { get; init; }

    [JsonPropertyName("comment")]
    public string? Comment { get; init; }

    /// <summary>True when the step produced no layer (ENV, CMD …); such entries have no diff_id.</summary>
    [JsonPropertyName("empty_layer")]
    public bool? EmptyLayer { get; init; }
}
