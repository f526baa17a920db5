using System.Globalization;
using System.Text;

namespace Slipway.Cli.Templates;

/// <summary>Go's <c>fmt.Sprint</c>, <c>Sprintln</c> and <c>Sprintf</c> over template values: the verbs a format uses
/// (<c>%v %s %d %q %t %x %X %f %e %g %c %%</c>) with flags, width and precision, and Go's <c>%!d(string=x)</c>,
/// <c>%!d(MISSING)</c> and <c>%!(EXTRA …)</c> for what does not fit.</summary>
internal static class GoFormat
{
    /// <summary>Spaces between operands when neither side is a string.</summary>
    public static string Sprint(IReadOnlyList<object?> args)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < args.Count; i++)
        {
            if (i > 0 && args[i] is not string && args[i - 1] is not string)
            {
                builder.Append(' ');
            }

            builder.Append(TemplateValues.Print(Arg(args[i])));
        }

        return builder.ToString();
    }

    public static string Sprintln(IReadOnlyList<object?> args) =>
        string.Join(' ', args.Select(a => TemplateValues.Print(Arg(a)))) + "\n";

    // An invalid value handed to a function is Go's untyped nil.
    private static object? Arg(object? value) => value is Missing ? null : value;

    public static string Sprintf(string format, IReadOnlyList<object?> args)
    {
        var output = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%')
            {
                output.Append(c);
                continue;
            }

            if (++i >= format.Length)
            {
                output.Append("%!(NOVERB)");
                break;
            }

            var spec = new Spec();
            for (; i < format.Length && format[i] is '+' or '-' or '#' or ' ' or '0'; i++)
            {
                switch (format[i])
                {
                    case '+': spec.Plus = true; break;
                    case '-': spec.Minus = true; break;
                    case '#': spec.Sharp = true; break;
                    case ' ': spec.Space = true; break;
                    case '0': spec.Zero = true; break;
                }
            }

            spec.Width = ReadNumber(format, ref i);
            if (i < format.Length && format[i] == '.')
            {
                i++;
                spec.Precision = ReadNumber(format, ref i) ?? 0;
            }

            if (i >= format.Length)
            {
                output.Append("%!(NOVERB)");
                break;
            }

            var verb = format[i];
            if (verb == '%')
            {
                output.Append('%');
                continue;
            }

            if (next >= args.Count)
            {
                output.Append("%!").Append(verb).Append("(MISSING)");
                continue;
            }

            output.Append(Pad(Format(verb, Arg(args[next++]), spec), spec, verb));
        }

        if (next < args.Count)
        {
            output.Append("%!(EXTRA ");
            output.AppendJoin(", ", args.Skip(next).Select(a => Arg(a) is null ? "<nil>" : TemplateValues.TypeName(a) + "=" + TemplateValues.Print(a)));
            output.Append(')');
        }

        return output.ToString();
    }

    private sealed class Spec
    {
        public bool Plus;
        public bool Minus;
        public bool Sharp;
        public bool Space;
        public bool Zero;
        public int? Width;
        public int? Precision;
    }

    private static int? ReadNumber(string format, ref int i)
    {
        var start = i;
        while (i < format.Length && char.IsAsciiDigit(format[i]))
        {
            i++;
        }

        return i > start ? int.Parse(format.AsSpan(start, i - start), CultureInfo.InvariantCulture) : null;
    }

    private static string Format(char verb, object? value, Spec spec)
    {
        long? integer = value switch
        {
            long l => l,
            JsonNumber n when n.IsInteger(out var l) => l, // docker's typed structs hold these as int64
            _ => null,
        };
        double? real = value switch
        {
            double d => d,
            JsonNumber n => n.AsDouble,
            _ => null,
        };
        switch (verb)
        {
            case 'v':
                return value is string s0 && spec.Precision is { } p0 ? Truncate(s0, p0) : TemplateValues.Print(value);
            case 's' when value is string s:
                return spec.Precision is { } p ? Truncate(s, p) : s;
            case 's' when value is JsonNumber n:
                return n.Text;
            case 's' when TemplateValues.AsList(value) is not null || TemplateValues.AsMap(value) is not null:
                return TemplateValues.Print(value);
            case 'q' when value is string s:
                return TemplateValues.Quote(s);
            case 'q' when integer is { } q:
                return "'" + char.ConvertFromUtf32((int)q) + "'";
            case 't' when value is bool b:
                return b ? "true" : "false";
            case 'd' when integer is { } d:
                return Signed(d.ToString(CultureInfo.InvariantCulture), d >= 0, spec);
            case 'c' when integer is { } ch:
                return char.ConvertFromUtf32((int)ch);
            case 'x' or 'X' when integer is { } h:
                var hex = Math.Abs(h).ToString(verb == 'x' ? "x" : "X", CultureInfo.InvariantCulture);
                return (h < 0 ? "-" : "") + (spec.Sharp ? (verb == 'x' ? "0x" : "0X") : "") + hex;
            case 'x' or 'X' when value is string hs:
                var bytes = Convert.ToHexString(Encoding.UTF8.GetBytes(hs));
                return verb == 'x' ? bytes.ToLowerInvariant() : bytes;
            case 'f' or 'F' when real is { } f:
                return Signed(f.ToString("F" + (spec.Precision ?? 6).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), f >= 0, spec);
            case 'e' or 'E' when real is { } e:
                var text = e.ToString((verb == 'e' ? "e" : "E") + (spec.Precision ?? 6).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                // .NET writes three exponent digits, Go at least two.
                var at = text.IndexOfAny(['e', 'E']);
                var exponent = int.Parse(text[(at + 2)..], CultureInfo.InvariantCulture);
                return Signed(text[..(at + 2)] + exponent.ToString("00", CultureInfo.InvariantCulture), e >= 0, spec);
            case 'g' or 'G' when real is { } g:
                return Signed(TemplateValues.FormatFloat(g), g >= 0, spec);
            default:
                return value is null
                    ? $"%!{verb}(<nil>)"
                    : $"%!{verb}({TemplateValues.TypeName(value)}={TemplateValues.Print(value)})";
        }
    }

    private static string Signed(string text, bool positive, Spec spec) =>
        positive && spec.Plus ? "+" + text : positive && spec.Space ? " " + text : text;

    private static string Truncate(string s, int runes)
    {
        var i = 0;
        var builder = new StringBuilder();
        foreach (var rune in s.EnumerateRunes())
        {
            if (i++ == runes)
            {
                break;
            }

            builder.Append(rune.ToString());
        }

        return builder.ToString();
    }

    private static string Pad(string text, Spec spec, char verb)
    {
        var width = spec.Width ?? 0;
        var length = text.EnumerateRunes().Count();
        if (length >= width)
        {
            return text;
        }

        if (spec.Minus)
        {
            return text + new string(' ', width - length);
        }

        if (spec.Zero && verb is 'd' or 'f' or 'F' or 'e' or 'E' or 'g' or 'G' or 'x' or 'X')
        {
            var sign = text.Length > 0 && text[0] is '-' or '+' or ' ' ? text[..1] : "";
            return sign + new string('0', width - length) + text[sign.Length..];
        }

        return new string(' ', width - length) + text;
    }
}
