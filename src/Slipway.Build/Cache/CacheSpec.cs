using System.Diagnostics.CodeAnalysis;
using Slipway.Oci;

namespace Slipway.Build.Cache;

/// <summary>Where a build cache goes or comes from.</summary>
public enum CacheType
{
    Registry,
    Local,
    Inline,
}

/// <summary>Which records an export carries: <c>min</c> only the steps whose results make the exported image,
/// <c>max</c> every step of every stage built.</summary>
public enum CacheMode
{
    Min,
    Max,
}

/// <summary>One <c>--cache-to</c>: <c>type=registry,ref=REF[,mode=min|max]</c>, <c>type=local,dest=DIR[,mode=…]</c>
/// or <c>type=inline</c>; <c>cache-mounts=true|false</c> says whether <c>RUN --mount=type=cache</c> contents travel
/// too (default: with mode=max).</summary>
public sealed record CacheExportSpec(CacheType Type, ImageReference? Ref, string? Dest, CacheMode Mode, bool CacheMounts)
{
    /// <summary>Parses a spec as buildx does: comma-separated key=value fields, or a bare reference meaning
    /// <c>type=registry,ref=…</c>. A mistake is returned as <paramref name="error"/>, worded as buildx and BuildKit
    /// word it.</summary>
    public static bool TryParse(string text, out CacheExportSpec? spec, out string? error)
    {
        spec = null;
        if (!CacheFields.TryParse(text, out var type, out var attrs, out error))
        {
            return false;
        }

        var mode = CacheMode.Min;
        if (attrs.Remove("mode", out var modeText))
        {
            switch (modeText)
            {
                case "min": mode = CacheMode.Min; break;
                case "max": mode = CacheMode.Max; break;
                default:
                    error = $"invalid cache mode \"{modeText}\" (min, max)";
                    return false;
            }
        }

        var mounts = mode == CacheMode.Max;
        if (attrs.Remove("cache-mounts", out var mountsText) && !bool.TryParse(mountsText, out mounts))
        {
            error = $"invalid cache-mounts value \"{mountsText}\" (true, false)";
            return false;
        }

        switch (type)
        {
            case "registry":
                if (!CacheFields.TryRef(attrs, out var reference, out error) || !CacheFields.NoOthers(attrs, "registry", out error))
                {
                    return false;
                }

                spec = new CacheExportSpec(CacheType.Registry, reference, null, mode, mounts);
                return true;
            case "local":
                if (!CacheFields.TryRequired(attrs, "dest", out var dest, out error) || !CacheFields.NoOthers(attrs, "local", out error))
                {
                    return false;
                }

                spec = new CacheExportSpec(CacheType.Local, null, dest, mode, mounts);
                return true;
            case "inline":
                // BuildKit: the inline exporter only supports min; its layers are the image's own.
                if (mode == CacheMode.Max)
                {
                    error = "type=inline supports only mode=min: use type=registry or type=local for mode=max";
                    return false;
                }

                if (!CacheFields.NoOthers(attrs, "inline", out error))
                {
                    return false;
                }

                spec = new CacheExportSpec(CacheType.Inline, null, null, CacheMode.Min, false);
                return true;
            default:
                error = $"unknown cache exporter: \"{type}\" (registry, local, inline)";
                return false;
        }
    }
}

/// <summary>One <c>--cache-from</c>: <c>type=registry,ref=REF</c> (a cache pushed with type=registry, or an image
/// pushed with type=inline), a bare reference meaning the same, or <c>type=local,src=DIR</c>.</summary>
public sealed record CacheImportSpec(CacheType Type, ImageReference? Ref, string? Src)
{
    public static bool TryParse(string text, out CacheImportSpec? spec, out string? error)
    {
        spec = null;
        if (!CacheFields.TryParse(text, out var type, out var attrs, out error))
        {
            return false;
        }

        // Written for --cache-to and harmless here, as in BuildKit.
        attrs.Remove("mode");
        attrs.Remove("cache-mounts");
        switch (type)
        {
            case "registry":
                if (!CacheFields.TryRef(attrs, out var reference, out error) || !CacheFields.NoOthers(attrs, "registry", out error))
                {
                    return false;
                }

                spec = new CacheImportSpec(CacheType.Registry, reference, null);
                return true;
            case "local":
                if (!CacheFields.TryRequired(attrs, "src", out var src, out error) || !CacheFields.NoOthers(attrs, "local", out error))
                {
                    return false;
                }

                spec = new CacheImportSpec(CacheType.Local, null, src);
                return true;
            default:
                error = $"unknown cache importer: \"{type}\" (registry, local)";
                return false;
        }
    }
}

internal static class CacheFields
{
    public static bool TryParse(string text, out string type, out Dictionary<string, string> attrs, out string? error)
    {
        type = "";
        attrs = new Dictionary<string, string>(StringComparer.Ordinal);
        error = null;
        var fields = text.Split(',', StringSplitOptions.TrimEntries);
        if (fields.All(f => !f.Contains('=', StringComparison.Ordinal)) && fields.Length == 1 && fields[0].Length > 0)
        {
            type = "registry";
            attrs["ref"] = fields[0];
            return true;
        }

        foreach (var field in fields)
        {
            var eq = field.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = $"invalid value {field}";
                return false;
            }

            var key = field[..eq].ToLowerInvariant();
            if (key == "type")
            {
                type = field[(eq + 1)..];
            }
            else
            {
                attrs[key] = field[(eq + 1)..];
            }
        }

        if (type.Length == 0)
        {
            error = $"type required form> \"{text}\"";
            return false;
        }

        return true;
    }

    /// <summary>Takes <paramref name="key"/> out of <paramref name="attrs"/>; an absent or empty value is BuildKit's
    /// "KEY not set".</summary>
    public static bool TryRequired(Dictionary<string, string> attrs, string key, [NotNullWhen(true)] out string? value, out string? error)
    {
        if (!attrs.Remove(key, out value) || value.Length == 0)
        {
            error = $"{key} not set";
            return false;
        }

        error = null;
        return true;
    }

    public static bool TryRef(Dictionary<string, string> attrs, out ImageReference? reference, out string? error)
    {
        reference = null;
        if (!TryRequired(attrs, "ref", out var text, out error))
        {
            return false;
        }

        if (!ImageReference.TryParse(text, out var parsed, out var why))
        {
            error = $"invalid ref \"{text}\": {why}";
            return false;
        }

        reference = parsed;
        error = null;
        return true;
    }

    public static bool NoOthers(Dictionary<string, string> attrs, string type, out string? error)
    {
        error = attrs.Count == 0 ? null : $"unknown attribute \"{attrs.Keys.Order(StringComparer.Ordinal).First()}\" for type={type}";
        return error is null;
    }
}
