using System.Text.Json.Serialization;

namespace Slipway.Oci;

/// <summary>Source-generated serialisation for every OCI document type. Compact, nulls omitted, properties in
/// declaration order, string maps sorted: the same value always gives the same bytes and so the same digest.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false,
    AllowDuplicateProperties = false,
    Converters = [typeof(SortedStringMapConverter)])]
[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(ImageConfig))]
[JsonSerializable(typeof(Descriptor))]
[JsonSerializable(typeof(Platform))]
public sealed partial class OciJsonContext : JsonSerializerContext;
