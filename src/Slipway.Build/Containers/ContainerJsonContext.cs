using System.Text.Json.Serialization;
using Slipway.Oci;

namespace Slipway.Build.Containers;

/// <summary>The container files' JSON: docker's PascalCase names as the C# names are, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    Converters = [typeof(SortedStringMapConverter)])]
[JsonSerializable(typeof(ContainerRecord))]
[JsonSerializable(typeof(ContainerState))]
public sealed partial class ContainerJsonContext : JsonSerializerContext;
