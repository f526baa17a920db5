using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Slipway.Testing;

/// <summary>Just enough JSON Schema (draft-04/07 keywords) to check our output against spec schemas: $ref across
/// files, type, required, properties, patternProperties, additionalProperties: false, items, minItems, pattern, enum,
/// minimum, maximum, oneOf.
/// Keywords it does not know are ignored, so it can only under-report.</summary>
public sealed class MiniJsonSchema(string folder)
{
    private readonly Dictionary<string, JsonDocument> _files = [];

    public List<string> Validate(string schemaFile, JsonElement instance)
    {
        var errors = new List<string>();
        Check(Load(schemaFile).RootElement, schemaFile, instance, "$", errors);
        return errors;
    }

    private JsonDocument Load(string file)
    {
        if (!_files.TryGetValue(file, out var document))
        {
            document = JsonDocument.Parse(File.ReadAllBytes(System.IO.Path.Join(folder, file)));
            _files[file] = document;
        }

        return document;
    }

    private void Check(JsonElement schema, string file, JsonElement value, string at, List<string> errors)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var (target, targetFile) = Resolve(reference.GetString()!, file);
            Check(target, targetFile, value, at, errors);
            return;
        }

        if (schema.TryGetProperty("type", out var type) && !TypeMatches(type, value))
        {
            errors.Add($"{at}: expected {type.GetRawText()}, got {value.ValueKind}");
            return;
        }

        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(a => a.GetRawText() == value.GetRawText()))
        {
            errors.Add($"{at}: {value.GetRawText()} is not one of {allowed.GetRawText()}");
        }

        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            var passing = oneOf.EnumerateArray().Count(s =>
            {
                var sub = new List<string>();
                Check(s, file, value, at, sub);
                return sub.Count == 0;
            });
            if (passing != 1)
            {
                errors.Add($"{at}: matches {passing} of oneOf");
            }
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(schema, file, value, at, errors);
                break;
            case JsonValueKind.Array:
                if (schema.TryGetProperty("minItems", out var minItems) && value.GetArrayLength() < minItems.GetInt32())
                {
                    errors.Add($"{at}: fewer than {minItems} items");
                }

                if (schema.TryGetProperty("items", out var items))
                {
                    var i = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        Check(items, file, item, $"{at}[{i++}]", errors);
                    }
                }

                break;
            case JsonValueKind.String:
                if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(value.GetString()!, pattern.GetString()!))
                {
                    errors.Add($"{at}: \"{value.GetString()}\" does not match {pattern.GetString()}");
                }

                break;
            case JsonValueKind.Number:
                var number = value.GetDouble();
                if ((schema.TryGetProperty("minimum", out var min) && number < min.GetDouble())
                    || (schema.TryGetProperty("maximum", out var max) && number > max.GetDouble()))
                {
                    errors.Add($"{at}: {number.ToString(CultureInfo.InvariantCulture)} out of range");
                }

                break;
        }
    }

    private void CheckObject(JsonElement schema, string file, JsonElement value, string at, List<string> errors)
    {
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(n => n.GetString()!))
            {
                if (!value.TryGetProperty(name, out _))
                {
                    errors.Add($"{at}: missing required \"{name}\"");
                }
            }
        }

        var closed = schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False;
        foreach (var property in value.EnumerateObject())
        {
            var known = false;
            if (schema.TryGetProperty("properties", out var properties) && properties.TryGetProperty(property.Name, out var sub))
            {
                known = true;
                Check(sub, file, property.Value, $"{at}.{property.Name}", errors);
            }

            if (closed && !known)
            {
                errors.Add($"{at}: property \"{property.Name}\" is not allowed");
            }

            if (schema.TryGetProperty("patternProperties", out var patterns))
            {
                foreach (var p in patterns.EnumerateObject().Where(p => Regex.IsMatch(property.Name, p.Name)))
                {
                    Check(p.Value, file, property.Value, $"{at}.{property.Name}", errors);
                }
            }
        }
    }

    private (JsonElement Schema, string File) Resolve(string reference, string currentFile)
    {
        var hash = reference.IndexOf('#', StringComparison.Ordinal);
        var file = hash == 0 ? currentFile : hash < 0 ? reference : reference[..hash];
        var element = Load(file).RootElement;
        if (hash >= 0)
        {
            foreach (var segment in reference[(hash + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                element = element.GetProperty(segment);
            }
        }

        return (element, file);
    }

    private static bool TypeMatches(JsonElement type, JsonElement value) => type.ValueKind == JsonValueKind.Array
        ? type.EnumerateArray().Any(t => TypeMatches(t, value))
        : type.GetString() switch
        {
            "object" => value.ValueKind == JsonValueKind.Object,
            "array" => value.ValueKind == JsonValueKind.Array,
            "string" => value.ValueKind == JsonValueKind.String,
            "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            "number" => value.ValueKind == JsonValueKind.Number,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "null" => value.ValueKind == JsonValueKind.Null,
            _ => true,
        };
}
