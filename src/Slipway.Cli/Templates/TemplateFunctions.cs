using System.Globalization;
using System.Text;

namespace Slipway.Cli.Templates;

/// <summary>How a function's argument is checked, as Go's <c>evalArg</c> checks it against the parameter's type.</summary>
internal enum Param
{
    /// <summary><c>interface{}</c>: anything; a missing value becomes nil.</summary>
    Any,

    /// <summary><c>reflect.Value</c>: anything, a missing value kept.</summary>
    Value,
    String,
    Int,
}

/// <summary>An error a function returns; the executor words it <c>error calling NAME: …</c>.</summary>
internal sealed class FunctionException(string message) : Exception(message);

internal sealed record TemplateFunction(IReadOnlyList<Param> Params, Param? Variadic, Func<IReadOnlyList<object?>, object?> Call);

/// <summary>Go's builtin template functions and docker's (<c>json split join title lower upper pad truncate</c>, from
/// docker/cli's templates package); <c>and</c> and <c>or</c> are evaluated lazily by the executor.</summary>
internal static class TemplateFunctions
{
    public static readonly IReadOnlyDictionary<string, TemplateFunction> Basic = new Dictionary<string, TemplateFunction>(StringComparer.Ordinal)
    {
        ["not"] = new([Param.Any], null, a => !TemplateValues.IsTrue(a[0])),
        ["len"] = new([Param.Value], null, a => Length(a[0])),
        ["index"] = new([Param.Value], Param.Value, a => Index(a[0], a.Skip(1).ToList())),
        ["slice"] = new([Param.Value], Param.Value, a => a[0] is string s ? SliceString(s, [.. a.Skip(1)]) : SliceList(a[0], [.. a.Skip(1)])),
        ["print"] = new([], Param.Any, GoFormat.Sprint),
        ["println"] = new([], Param.Any, GoFormat.Sprintln),
        ["printf"] = new([Param.String], Param.Any, a => GoFormat.Sprintf((string)a[0]!, a.Skip(1).ToList())),
        ["html"] = new([], Param.Any, a => Html(GoFormat.Sprint(a))),
        ["urlquery"] = new([], Param.Any, a => Uri.EscapeDataString(GoFormat.Sprint(a)).Replace("%20", "+", StringComparison.Ordinal)),
        ["eq"] = new([Param.Value], Param.Value, a => a.Count < 2 ? throw new FunctionException("missing argument for comparison") : a.Skip(1).Any(b => Equal(a[0], b))),
        ["ne"] = new([Param.Value, Param.Value], null, a => !Equal(a[0], a[1])),
        ["lt"] = new([Param.Value, Param.Value], null, a => Compare(a[0], a[1]) < 0),
        ["le"] = new([Param.Value, Param.Value], null, a => Compare(a[0], a[1]) <= 0),
        ["gt"] = new([Param.Value, Param.Value], null, a => Compare(a[0], a[1]) > 0),
        ["ge"] = new([Param.Value, Param.Value], null, a => Compare(a[0], a[1]) >= 0),
        ["json"] = new([Param.Any], null, a => TemplateValues.Json(a[0])),
        ["split"] = new([Param.String, Param.String], null, a => Split((string)a[0]!, (string)a[1]!)),
        ["join"] = new([Param.Any, Param.String], null, a => Join(a[0], (string)a[1]!)),
        ["title"] = new([Param.String], null, a => Title((string)a[0]!)),
        ["lower"] = new([Param.String], null, a => ((string)a[0]!).ToLowerInvariant()),
        ["upper"] = new([Param.String], null, a => ((string)a[0]!).ToUpperInvariant()),
        ["pad"] = new([Param.String, Param.Int, Param.Int], null, a => Pad((string)a[0]!, (long)a[1]!, (long)a[2]!)),
        ["truncate"] = new([Param.String, Param.Int], null, a => Truncate((string)a[0]!, (long)a[1]!)),
    };

    /// <summary>docker's <c>HeaderFunctions</c>: a table's header row keeps each column's name as it is.</summary>
    public static readonly IReadOnlyDictionary<string, TemplateFunction> Header = Basic.ToDictionary(
        f => f.Key,
        f => f.Key switch
        {
            "json" or "title" or "lower" or "upper" => new TemplateFunction([Param.String], null, a => a[0]),
            "split" or "join" => new TemplateFunction([Param.String, Param.String], null, a => a[0]),
            "truncate" => new TemplateFunction([Param.String, Param.Int], null, a => a[0]),
            _ => f.Value,
        },
        StringComparer.Ordinal);

    /// <summary>The names the parser accepts: these and <c>and</c>, <c>or</c>.</summary>
    public static readonly ISet<string> Names = new HashSet<string>(Basic.Keys.Append("and").Append("or"), StringComparer.Ordinal);

    private static long Length(object? value) => value switch
    {
        string s => Encoding.UTF8.GetByteCount(s),
        JsonNumber n => n.Text.Length,
        null => throw new FunctionException("len of nil pointer"),
        Missing => throw new FunctionException("len of untyped nil"),
        _ => TemplateValues.AsMap(value)?.Count ?? TemplateValues.AsList(value)?.Count
            ?? throw new FunctionException($"len of type {TemplateValues.TypeName(value)}"),
    };

    private static object? Index(object? item, IReadOnlyList<object?> indexes)
    {
        if (item is null or Missing)
        {
            throw new FunctionException("index of untyped nil");
        }

        foreach (var index in indexes)
        {
            if (item is null)
            {
                throw new FunctionException("index of nil pointer");
            }

            if (TemplateValues.AsMap(item) is { } map)
            {
                if (index is not string key)
                {
                    throw new FunctionException($"value has type {TemplateValues.TypeName(index)}; should be string");
                }

                // Go gives a missing key the zero value of the map's element type: docker's label and annotation
                // maps hold strings, so "" (an interface{} map's zero is nil, printed as no value).
                item = map.FirstOrDefault(p => p.Key == key) is { Key: not null } found ? found.Value
                    : map.All(p => p.Value is string) ? string.Empty : Missing.Value;
            }
            else if (TemplateValues.AsList(item) is { } list)
            {
                item = list[IndexArg(index, list.Count)];
            }
            else if (item is string s)
            {
                var bytes = Encoding.UTF8.GetBytes(s);
                item = (long)bytes[IndexArg(index, bytes.Length)];
            }
            else
            {
                throw new FunctionException($"can't index item of type {TemplateValues.TypeName(item)}");
            }
        }

        return item;
    }

    private static int IndexArg(object? index, int length, bool inclusive = false)
    {
        if (index is not long x)
        {
            throw new FunctionException($"cannot index slice/array with type {TemplateValues.TypeName(index)}");
        }

        if (x < 0 || (inclusive ? x > length : x >= length))
        {
            throw new FunctionException($"index out of range: {x}");
        }

        return (int)x;
    }

    private static string SliceString(string s, List<object?> indexes)
    {
        var (from, to) = Bounds(indexes, s.Length);
        return s[from..to];
    }

    private static List<object?> SliceList(object? item, List<object?> indexes)
    {
        var list = TemplateValues.AsList(item) ?? throw new FunctionException($"can't slice item of type {TemplateValues.TypeName(item)}");
        var (start, end) = Bounds(indexes, list.Count);
        return [.. list.Skip(start).Take(end - start)];
    }

    private static (int From, int To) Bounds(List<object?> indexes, int length)
    {
        if (indexes.Count > 2)
        {
            throw new FunctionException($"too many slice indexes: {indexes.Count}");
        }

        var from = indexes.Count > 0 ? IndexArg(indexes[0], length, inclusive: true) : 0;
        var to = indexes.Count > 1 ? IndexArg(indexes[1], length, inclusive: true) : length;
        return to < from ? throw new FunctionException($"invalid slice index: {from} > {to}") : (from, to);
    }

    private enum Kind
    {
        Bool,
        Number,
        String,
        Other,
    }

    private static Kind KindOf(object? value) => value switch
    {
        bool => Kind.Bool,
        long or double or JsonNumber => Kind.Number,
        string => Kind.String,
        _ => Kind.Other,
    };

    private static double Number(object? value) => value switch
    {
        long l => l,
        double d => d,
        JsonNumber n => n.AsDouble,
        _ => 0,
    };

    private static bool Equal(object? a, object? b)
    {
        a = a is Missing ? null : a;
        b = b is Missing ? null : b;
        var (ka, kb) = (KindOf(a), KindOf(b));
        if (ka != kb)
        {
            // A JSON number compares with a string as Go's json.Number (a string) does.
            if (a is JsonNumber na && b is string sb)
            {
                return na.Text == sb;
            }

            if (b is JsonNumber nb && a is string sa)
            {
                return nb.Text == sa;
            }

            return a is not null && b is not null ? throw new FunctionException("incompatible types for comparison") : a is null && b is null;
        }

        return ka switch
        {
            Kind.Bool => (bool)a! == (bool)b!,
            Kind.Number => Number(a) == Number(b),
            Kind.String => (string)a! == (string)b!,
            _ => a is null && b is null ? true
                : a is null || b is null ? false
                : throw new FunctionException($"non-comparable types {TemplateValues.Print(a)}: {TemplateValues.TypeName(a)}, {TemplateValues.TypeName(b)}: {TemplateValues.Print(b)}"),
        };
    }

    private static int Compare(object? a, object? b)
    {
        var (ka, kb) = (KindOf(a), KindOf(b));
        if (ka is Kind.Bool or Kind.Other || kb is Kind.Bool or Kind.Other)
        {
            throw new FunctionException("invalid type for comparison");
        }

        if (ka != kb)
        {
            throw new FunctionException("incompatible types for comparison");
        }

        return ka == Kind.Number ? Number(a).CompareTo(Number(b)) : string.CompareOrdinal((string)a!, (string)b!);
    }

    /// <summary><c>strings.Split</c>: an empty separator splits after each character.</summary>
    private static List<string> Split(string s, string sep) =>
        sep.Length == 0 ? [.. s.EnumerateRunes().Select(r => r.ToString())] : [.. s.Split(sep)];

    /// <summary>docker's <c>joinElements</c>: strings joined; other lists printed item by item; map values sorted.</summary>
    private static string Join(object? elements, string sep)
    {
        if (elements is null or Missing or TypedNil)
        {
            return "";
        }

        if (TemplateValues.AsMap(elements) is { } map)
        {
            return string.Join(sep, map.Select(p => TemplateValues.Print(p.Value is Missing ? null : p.Value)).Order(StringComparer.Ordinal));
        }

        var list = TemplateValues.AsList(elements) ?? throw new FunctionException($"expected slice, got {TemplateValues.TypeName(elements)}");
        return string.Join(sep, list.Select(TemplateValues.Print));
    }

    /// <summary><c>strings.Title</c>: the first letter of each word upper-cased.</summary>
    private static string Title(string s)
    {
        var builder = new StringBuilder(s.Length);
        var previous = ' ';
        foreach (var c in s)
        {
            builder.Append(IsSeparator(previous) ? char.ToUpperInvariant(c) : c);
            previous = c;
        }

        return builder.ToString();
    }

    private static bool IsSeparator(char c) => c <= 0x7F
        ? !(char.IsAsciiLetterOrDigit(c) || c == '_')
        : !char.IsLetterOrDigit(c) && char.IsWhiteSpace(c);

    private static string Pad(string s, long prefix, long suffix) =>
        s.Length == 0 ? s : new string(' ', (int)prefix) + s + new string(' ', (int)suffix);

    /// <summary>docker's <c>truncate</c>: the first <paramref name="length"/> bytes.</summary>
    private static string Truncate(string s, long length)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        return bytes.Length < length ? s : Encoding.UTF8.GetString(bytes, 0, (int)length);
    }

    private static string Html(string s)
    {
        var builder = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            builder.Append(c switch
            {
                '"' => "&#34;",
                '\'' => "&#39;",
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '\0' => "\uFFFD",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    public static string FormatInt(long value) => value.ToString(CultureInfo.InvariantCulture);
}
