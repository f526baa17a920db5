using System.Text.Json.Serialization;

namespace Slipway.Insight.Sbom;

/// <summary>The subset of an SPDX 2.3 document (spdx.github.io/spdx-spec/v2.3) an image SBOM needs.</summary>
public sealed record SpdxDocument
{
    [JsonPropertyName("spdxVersion")]
    public string SpdxVersion { get; init; } = "SPDX-2.3";

    [JsonPropertyName("dataLicense")]
    public string DataLicense { get; init; } = "CC0-1.0";

    [JsonPropertyName("SPDXID")]
    public string SpdxId { get; init; } = "SPDXRef-DOCUMENT";

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("documentNamespace")]
    public required string DocumentNamespace { get; init; }

    [JsonPropertyName("creationInfo")]
    public required SpdxCreationInfo CreationInfo { get; init; }

    [JsonPropertyName("packages")]
    public required IReadOnlyList<SpdxPackage> Packages { get; init; }

    [JsonPropertyName("relationships")]
    public required IReadOnlyList<SpdxRelationship> Relationships { get; init; }
}

public sealed record SpdxCreationInfo
{
    [JsonPropertyName("creators")]
    public required IReadOnlyList<string> Creators { get; init; }

    [JsonPropertyName("created")]
    public required string Created { get; init; }
}

public sealed record SpdxPackage
{
    [JsonPropertyName("SPDXID")]
    public required string SpdxId { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("versionInfo")]
    public string? VersionInfo { get; init; }

    [JsonPropertyName("supplier")]
    public string? Supplier { get; init; }

    [JsonPropertyName("downloadLocation")]
    public string DownloadLocation { get; init; } = Spdx.NoAssertion;

    [JsonPropertyName("filesAnalyzed")]
    public bool FilesAnalyzed { get; init; }

    [JsonPropertyName("licenseConcluded")]
    public string LicenseConcluded { get; init; } = Spdx.NoAssertion;

    [JsonPropertyName("licenseDeclared")]
    public string LicenseDeclared { get; init; } = Spdx.NoAssertion;

    [JsonPropertyName("copyrightText")]
    public string CopyrightText { get; init; } = Spdx.NoAssertion;

    [JsonPropertyName("sourceInfo")]
    public string? SourceInfo { get; init; }

    [JsonPropertyName("primaryPackagePurpose")]
    public string? PrimaryPackagePurpose { get; init; }

    [JsonPropertyName("externalRefs")]
    public IReadOnlyList<SpdxExternalRef>? ExternalRefs { get; init; }
}

public sealed record SpdxExternalRef
{
    [JsonPropertyName("referenceCategory")]
    public string ReferenceCategory { get; init; } = "PACKAGE-MANAGER";

    [JsonPropertyName("referenceType")]
    public string ReferenceType { get; init; } = "purl";

    [JsonPropertyName("referenceLocator")]
    public required string ReferenceLocator { get; init; }
}

public sealed record SpdxRelationship
{
    [JsonPropertyName("spdxElementId")]
    public required string SpdxElementId { get; init; }

    [JsonPropertyName("relationshipType")]
    public required string RelationshipType { get; init; }

    [JsonPropertyName("relatedSpdxElement")]
    public required string RelatedSpdxElement { get; init; }
}

/// <summary>An in-toto statement (v0.1, what BuildKit attaches) whose predicate is an SPDX document.</summary>
public sealed record InTotoStatement
{
    [JsonPropertyName("_type")]
    public string Type { get; init; } = "https://in-toto.io/Statement/v0.1";

    [JsonPropertyName("predicateType")]
    public string PredicateType { get; init; } = Spdx.PredicateType;

    [JsonPropertyName("subject")]
    public required IReadOnlyList<InTotoSubject> Subject { get; init; }

    [JsonPropertyName("predicate")]
    public required SpdxDocument Predicate { get; init; }
}

public sealed record InTotoSubject
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("digest")]
    public required IReadOnlyDictionary<string, string> Digest { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(SpdxDocument))]
[JsonSerializable(typeof(InTotoStatement))]
internal sealed partial class SpdxJsonContext : JsonSerializerContext;
