using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Slipway.Oci;

/// <summary>Writes string maps with keys in ordinal order (as Go's encoding/json does) so that canonical output
/// does not depend on insertion order; a duplicate key on read is an ambiguous document and is refused.</summary>
public sealed class SortedStringMapConverter : JsonConverter<IReadOnlyDictionary<string, string>>
{
    public override IReadOnlyDictionary<string, string> Read(
        ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"value of \"{key}\" must be a string");
            }

            if (!map.TryAdd(key, reader.GetString()!))
            {
                throw new JsonException($"duplicate key \"{key}\"");
            }
        }

        return map;
    }

    public override void Write(
        Utf8JsonWriter writer, IReadOnlyDictionary<string, string> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var key in value.Keys.Order(StringComparer.Ordinal))
        {
            writer.WriteString(key, value[key]);
        }

        writer.WriteEndObject();
    }

    internal static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (reader.TokenType != token)
        {
            throw new JsonException($"expected {token}, found {reader.TokenType}");
        }
    }
}

/// <summary>Docker's <c>map[string]struct{}</c> sets (<c>ExposedPorts</c>, <c>Volumes</c>):
/// <c>{"80/tcp":{}}</c> on the wire, a sorted list of keys in C#.</summary>
public sealed class ObjectSetConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string> Read(
        ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        SortedStringMapConverter.Expect(ref reader, JsonTokenType.StartObject);
        var keys = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            if (!seen.Add(key))
            {
                throw new JsonException($"duplicate key \"{key}\"");
            }

            keys.Add(key);
            reader.Read();
            reader.Skip();
        }

        return keys;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var key in value.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            writer.WritePropertyName(key);
            writer.WriteStartObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}

/// <summary>RFC 3339 times as Go writes them (<c>2024-05-01T12:00:00.5Z</c>). Go keeps nanoseconds; .NET keeps
/// 100 ns ticks, so digits past the seventh are dropped on read.</summary>
public sealed class Rfc3339TimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString() ?? throw new JsonException("time must be a string");
        return Parse(text) ?? throw new JsonException($"invalid RFC 3339 time \"{text}\"");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));

    /// <summary>Go's <c>time.RFC3339Nano</c> of the time in UTC: the fraction's trailing zeros dropped.</summary>
    public static string Format(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture).TrimEnd('0');
        return text.TrimEnd('.') + "Z";
    }

    internal static DateTimeOffset? Parse(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
            }
        }

        return DateTimeOffset.TryParse(
            text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out var parsed)
            ? parsed
            : null;
    }
}

/// <summary>Durations as integer nanoseconds (Go's <c>time.Duration</c>).</summary>
public sealed class NanosecondsConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TimeSpan.FromTicks(reader.GetInt64() / TimeSpan.NanosecondsPerTick);

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.Ticks * TimeSpan.NanosecondsPerTick);
}
