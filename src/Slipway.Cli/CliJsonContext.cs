using System.Text.Json;
using System.Text.Json.Serialization;

namespace Slipway.Cli;

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(List<JsonElement>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
