using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Slipway.Cli.Templates;

/// <summary>Go's invalid <c>reflect.Value</c>: a missing map key or nothing at all; printed as <c>&lt;no value&gt;</c>.</summary>
internal sealed class Missing
{
    public static readonly Missing Value = new();

    private Missing()
    {
    }
}

/// <summary>A JSON number as <c>encoding/json</c> decodes it with <c>UseNumber</c> (docker's inspect fallback): its
/// text, printed as written.</summary>
internal readonly record struct JsonNumber(string Text)
{
    public double AsDouble => double.Parse(Text, NumberStyles.Float, CultureInfo.InvariantCulture);

    public bool IsInteger(out long value) => long.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}

/// <summary>The Go type of a field of docker's typed struct, whose zero value a template sees where the JSON has null
/// or nothing: a nil slice or map prints <c>[]</c> or <c>map[]</c> (empty for <c>len</c>, <c>range</c> and <c>if</c>,
/// <c>null</c> for <c>json</c>), a string is empty, a bool false.</summary>
internal enum NilKind
{
    List,
    Map,
    String,
    Bool,
}

internal sealed record TypedNil(NilKind Kind)
{
    /// <summary>The zero value of a field of this kind.</summary>
    public static object Zero(NilKind kind) => kind switch
    {
        NilKind.String => "",
        NilKind.Bool => false,
        _ => new TypedNil(kind),
    };
}

/// <summary>Values the interpreter passes around, as plain objects: <c>null</c> (Go's nil interface), <see cref="Missing"/>,
/// <see cref="string"/>, <see cref="bool"/>, <see cref="long"/> (Go's int), <see cref="double"/>, <see cref="JsonNumber"/>,
/// a <see cref="JsonElement"/> object (Go's <c>map[string]interface {}</c>) or array, a <c>List&lt;string&gt;</c>
/// (what <c>split</c> returns), a <c>List&lt;object?&gt;</c> (what <c>slice</c> returns) and <see cref="TypedNil"/>. Printing follows Go's <c>fmt</c> <c>%v</c>.</summary>
internal static class TemplateValues
{
    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => new JsonNumber(element.GetRawText()),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => element,
    };

    public static bool IsMap(object? value) => value is JsonElement { ValueKind: JsonValueKind.Object } or TypedNil { Kind: NilKind.Map } or GoStruct;

    /// <summary>The items of a list value (a JSON array, a list of strings, a typed nil list), else null.</summary>
    public static IReadOnlyList<object?>? AsList(object? value) => value switch
    {
        JsonElement { ValueKind: JsonValueKind.Array } array => [.. array.EnumerateArray().Select(FromJson)],
        List<string> strings => [.. strings],
        List<object?> items => items,
        TypedNil { Kind: NilKind.List } => [],
        _ => null,
    };

    /// <summary>A map's entries in Go's order (keys sorted), else null.</summary>
    public static IReadOnlyList<KeyValuePair<string, object?>>? AsMap(object? value) => value switch
    {
        JsonElement { ValueKind: JsonValueKind.Object } map => [.. map.EnumerateObject()
            .GroupBy(p => p.Name, StringComparer.Ordinal).Select(g => KeyValuePair.Create(g.Key, FromJson(g.Last().Value)))
            .OrderBy(p => p.Key, StringComparer.Ordinal)],
        TypedNil { Kind: NilKind.Map } => [],
        GoStruct s => AsMap(s.Fields),
        _ => null,
    };

    /// <summary>Go's name of the value's type, as its error messages print it.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "interface {}",
        Missing => "<nil>",
        string => "string",
        bool => "bool",
        long => "int",
        double => "float64",
        JsonNumber => "json.Number",
        List<string> => "[]string",
        JsonElement { ValueKind: JsonValueKind.Object } or TypedNil { Kind: NilKind.Map } => "map[string]interface {}",
        GoStruct => "struct",
        _ => "[]interface {}",
    };

    /// <summary>Go's truth: not the zero of its type (empty string, list or map, 0, false and nil are false).</summary>
    public static bool IsTrue(object? value) => value switch
    {
        null or Missing or TypedNil => false,
        string s => s.Length > 0,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        JsonNumber n => n.AsDouble != 0, // docker's typed structs hold numbers as numbers
        JsonElement { ValueKind: JsonValueKind.Array } a => a.GetArrayLength() > 0,
        JsonElement { ValueKind: JsonValueKind.Object } o => o.EnumerateObject().Any(),
        List<string> l => l.Count > 0,
        List<object?> l => l.Count > 0,
        GoStruct => true,
        _ => true,
    };

    /// <summary><c>fmt.Sprint(value)</c>: Go's <c>%v</c>.</summary>
    public static string Print(object? value)
    {
        var builder = new StringBuilder();
        Print(builder, value, top: true);
        return builder.ToString();
    }

    private static void Print(StringBuilder builder, object? value, bool top)
    {
        switch (value)
        {
            case null:
                builder.Append("<nil>");
                return;
            case Missing:
                builder.Append(top ? "<no value>" : "<nil>");
                return;
            case string s:
                builder.Append(s);
                return;
            case bool b:
                builder.Append(b ? "true" : "false");
                return;
            case long l:
                builder.Append(l.ToString(CultureInfo.InvariantCulture));
                return;
            case double d:
                builder.Append(FormatFloat(d));
                return;
            case JsonNumber n:
                builder.Append(n.Text);
                return;
            case GoStruct s:
                builder.Append(s.Print());
                return;
        }

        if (AsMap(value) is { } map)
        {
            builder.Append("map[");
            for (var i = 0; i < map.Count; i++)
            {
                builder.Append(i > 0 ? " " : "").Append(map[i].Key).Append(':');
                Print(builder, map[i].Value, top: false);
            }

            builder.Append(']');
            return;
        }

        var list = AsList(value) ?? [];
        builder.Append('[');
        for (var i = 0; i < list.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(' ');
            }

            Print(builder, list[i], top: false);
        }

        builder.Append(']');
    }

    /// <summary>Go's <c>%v</c> of a float64 (<c>strconv.FormatFloat(f, 'g', -1, 64)</c>): the shortest digits that read
    /// back, with an exponent from 1e+06 up and below 1e-04 (so a JSON 1000000 decoded as a float prints 1e+06).</summary>
    public static string FormatFloat(double d)
    {
        if (double.IsNaN(d) || double.IsInfinity(d))
        {
            return double.IsNaN(d) ? "NaN" : d > 0 ? "+Inf" : "-Inf";
        }

        var r = d.ToString("R", CultureInfo.InvariantCulture);
        var negative = r.StartsWith('-');
        r = r.TrimStart('-');
        var e = r.IndexOf('E', StringComparison.Ordinal);
        var exp10 = e < 0 ? 0 : int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? r : r[..e];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var dp = (dot < 0 ? mantissa.Length : dot) + exp10;
        var trimmed = digits.TrimStart('0');
        dp -= digits.Length - trimmed.Length;
        digits = trimmed.TrimEnd('0');
        if (digits.Length == 0)
        {
            return negative ? "-0" : "0";
        }

        var exp = dp - 1;
        string text;
        if (exp < -4 || exp >= 6)
        {
            text = digits[..1] + (digits.Length > 1 ? "." + digits[1..] : "") + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        }
        else if (dp <= 0)
        {
            text = "0." + new string('0', -dp) + digits;
        }
        else
        {
            text = digits.Length <= dp ? digits + new string('0', dp - digits.Length) : digits[..dp] + "." + digits[dp..];
        }

        return negative ? "-" + text : text;
    }

    /// <summary><c>json.Marshal</c> with HTML escaping off, as docker's <c>json</c> function: objects with their keys
    /// sorted (as Go writes a map), numbers as written.</summary>
    public static string Json(object? value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteJson(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteJson(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null or Missing or TypedNil:
                writer.WriteNullValue();
                return;
            case string s:
                writer.WriteStringValue(s);
                return;
            case bool b:
                writer.WriteBooleanValue(b);
                return;
            case long l:
                writer.WriteNumberValue(l);
                return;
            case double d:
                writer.WriteNumberValue(d);
                return;
            case JsonNumber n:
                writer.WriteRawValue(n.Text, skipInputValidation: true);
                return;
            case GoStruct s:
                WriteJson(writer, s.Fields);
                return;
            case JsonElement { ValueKind: JsonValueKind.Object }:
                // As encoding/json writes a map: keys sorted.
                writer.WriteStartObject();
                foreach (var (key, item) in AsMap(value)!)
                {
                    writer.WritePropertyName(key);
                    WriteJson(writer, item);
                }

                writer.WriteEndObject();
                return;
        }

        writer.WriteStartArray();
        foreach (var item in AsList(value) ?? [])
        {
            WriteJson(writer, item);
        }

        writer.WriteEndArray();
    }

    /// <summary><c>strconv.Quote</c>: Go's double-quoted string with its escapes.</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var rune in value.EnumerateRunes())
        {
            builder.Append(rune.Value switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\a' => "\\a",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\v' => "\\v",
                < 0x20 or 0x7f => $"\\x{rune.Value:x2}",
                _ when Rune.IsControl(rune) => rune.Value > 0xFFFF ? $"\\U{rune.Value:x8}" : $"\\u{rune.Value:x4}",
                _ => rune.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }
}
