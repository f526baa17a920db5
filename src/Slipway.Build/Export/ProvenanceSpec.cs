using System.Diagnostics.CodeAnalysis;

namespace Slipway.Build.Export;

/// <summary>What <c>--provenance</c> (or <c>--attest type=provenance</c>) asked for, kept with the request until
/// provenance attestations are made: whether they are wanted, the mode (<c>min</c> by default, or <c>max</c>) and
/// the other attributes as given (<c>builder-id=</c>, <c>version=</c> …).</summary>
public sealed record ProvenanceSpec(bool Enabled, string Mode, IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>The warning a build prints while it cannot honour an enabled request.</summary>
    public const string NotProducedWarning = "provenance attestations are not produced yet: --provenance is ignored (pass --provenance=false to silence this)";

    /// <summary>buildx's forms of <c>--provenance</c>: a boolean (Go's <c>ParseBool</c>: 1, t, true, 0, f, false …)
    /// or the fields of <c>--attest type=provenance,…</c> (<c>mode=min|max</c>, <c>disabled=true</c>, others kept).</summary>
    public static bool TryParseShorthand(string value, [NotNullWhen(true)] out ProvenanceSpec? spec, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (TryParseBool(value, out var enabled))
        {
            spec = new ProvenanceSpec(enabled, "min", new Dictionary<string, string>(StringComparer.Ordinal));
            error = null;
            return true;
        }

        return TryParseFields("type=provenance," + value, out spec, out error);
    }

    /// <summary>The comma-separated <c>key=value</c> fields of an <c>--attest type=provenance</c> value.</summary>
    public static bool TryParseFields(string value, [NotNullWhen(true)] out ProvenanceSpec? spec, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(value);
        spec = null;
        var enabled = true;
        var mode = "min";
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in value.Split(','))
        {
            var eq = field.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                error = $"invalid value {field}";
                return false;
            }

            var (key, text) = (field[..eq].Trim(), field[(eq + 1)..]);
            if (Is(key, "type"))
            {
                continue;
            }

            if (Is(key, "disabled"))
            {
                if (!TryParseBool(text, out var disabled))
                {
                    error = $"invalid value {field}: strconv.ParseBool: parsing \"{text}\": invalid syntax";
                    return false;
                }

                enabled = !disabled;
            }
            else if (Is(key, "mode"))
            {
                if (text is not ("min" or "max"))
                {
                    error = $"invalid provenance mode \"{text}\" (min, max)";
                    return false;
                }

                mode = text;
            }
            else
            {
                attributes[field[..eq]] = text;
            }
        }

        spec = new ProvenanceSpec(enabled, mode, attributes);
        error = null;
        return true;
    }

    private static bool Is(string key, string name) => key.Equals(name, StringComparison.OrdinalIgnoreCase);

    /// <summary>Go's <c>strconv.ParseBool</c>.</summary>
    private static bool TryParseBool(string text, out bool value)
    {
        (var known, value) = text switch
        {
            "1" or "t" or "T" or "true" or "TRUE" or "True" => (true, true),
            "0" or "f" or "F" or "false" or "FALSE" or "False" => (true, false),
            _ => (false, false),
        };
        return known;
    }
}
