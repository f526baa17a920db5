using System.Diagnostics.CodeAnalysis;

namespace Slipway.Oci;

/// <summary>Where an annotation of buildx's <c>--annotation [type:]key=value</c> is written: in the image manifest
/// (the default), in the image index, or on the descriptor that points at either.</summary>
public enum AnnotationLevel
{
    Manifest,
    Index,
    ManifestDescriptor,
    IndexDescriptor,
}

/// <summary>One <c>--annotation</c>: a key and value for one level, for every platform or only one
/// (<c>manifest[linux/amd64]:key=value</c>).</summary>
public sealed record ImageAnnotation(AnnotationLevel Level, Platform? Platform, string Key, string Value);

/// <summary>The annotations a build was asked to write (buildx's <c>--annotation</c>), parsed as buildx parses them
/// (<c>ParseAnnotations</c>): <c>key=value</c> is the manifest's; <c>type[,type…]:key=value</c> names the levels
/// (manifest, index, manifest-descriptor, index-descriptor), each with an optional <c>[os/arch]</c>.</summary>
public sealed class ImageAnnotations
{
    public static readonly ImageAnnotations None = new([]);

    private ImageAnnotations(IReadOnlyList<ImageAnnotation> entries) => Entries = entries;

    /// <summary>In the order given; a later value for the same level, platform and key wins.</summary>
    public IReadOnlyList<ImageAnnotation> Entries { get; }

    public bool IsEmpty => Entries.Count == 0;

    /// <summary>The annotations for <paramref name="level"/> of an image of <paramref name="platform"/> (null: of no
    /// single platform, as an index is); null when there are none, so a document without any keeps no empty map.</summary>
    public IReadOnlyDictionary<string, string>? For(AnnotationLevel level, Platform? platform)
    {
        Dictionary<string, string>? found = null;
        foreach (var entry in Entries.Where(e => e.Level == level && (e.Platform is null || Matches(e.Platform, platform))))
        {
            (found ??= new Dictionary<string, string>(StringComparer.Ordinal))[entry.Key] = entry.Value;
        }

        return found;
    }

    /// <summary><paramref name="existing"/> with <paramref name="level"/>'s annotations added (they win on a clash).</summary>
    public IReadOnlyDictionary<string, string>? Merge(IReadOnlyDictionary<string, string>? existing, AnnotationLevel level, Platform? platform)
    {
        if (For(level, platform) is not { } added)
        {
            return existing;
        }

        var merged = existing is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(existing, StringComparer.Ordinal);
        foreach (var (key, value) in added)
        {
            merged[key] = value;
        }

        return merged;
    }

    private static bool Matches(Platform wanted, Platform? platform) =>
        platform is not null && wanted.Os == platform.Os && wanted.Architecture == platform.Architecture
        && (wanted.Variant is null || wanted.Variant == platform.Variant);

    /// <summary>Parses every <c>--annotation</c> value; the message is buildx's for the first bad one.</summary>
    public static bool TryParse(IEnumerable<string> values, [NotNullWhen(true)] out ImageAnnotations? annotations, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(values);
        annotations = null;
        var entries = new List<ImageAnnotation>();
        foreach (var value in values.Where(v => v.Length > 0))
        {
            var eq = value.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                error = $"invalid annotation \"{value}\", expected key=value";
                return false;
            }

            var (name, text) = (value[..eq], value[(eq + 1)..]);
            var colon = name.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                entries.Add(new ImageAnnotation(AnnotationLevel.Manifest, null, name, text));
                continue;
            }

            var key = name[(colon + 1)..];
            foreach (var typeAndPlatform in name[..colon].Split(','))
            {
                if (!TryParseType(typeAndPlatform, out var level, out var platform, out error))
                {
                    return false;
                }

                entries.Add(new ImageAnnotation(level, platform, key, text));
            }
        }

        annotations = entries.Count == 0 ? None : new ImageAnnotations(entries);
        error = null;
        return true;
    }

    /// <summary><c>type</c> or <c>type[os/arch]</c> (buildx: <c>^([a-z-]+)(?:\[([A-Za-z0-9_/-]+)\])?$</c>).</summary>
    private static bool TryParseType(string text, out AnnotationLevel level, out Platform? platform, [NotNullWhen(false)] out string? error)
    {
        level = AnnotationLevel.Manifest;
        platform = null;
        var open = text.IndexOf('[', StringComparison.Ordinal);
        var type = open < 0 ? text : text[..open];
        var qualifier = open < 0 ? null : text[(open + 1)..];
        if (type.Length == 0 || !type.All(c => char.IsAsciiLetterLower(c) || c == '-')
            || qualifier is not null && (qualifier.Length < 2 || qualifier[^1] != ']'
                || !qualifier[..^1].All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '/' or '-')))
        {
            error = $"invalid annotation type \"{text}\", expected type and optional platform in square brackets";
            return false;
        }

        AnnotationLevel? known = type switch
        {
            "manifest" => AnnotationLevel.Manifest,
            "index" => AnnotationLevel.Index,
            "manifest-descriptor" => AnnotationLevel.ManifestDescriptor,
            "index-descriptor" => AnnotationLevel.IndexDescriptor,
            _ => null,
        };
        if (known is not { } found)
        {
            error = $"unknown annotation type \"{type}\"";
            return false;
        }

        level = found;
        if (qualifier is not null && !Platform.TryParse(qualifier[..^1], out platform, out var why))
        {
            error = $"invalid platform \"{qualifier[..^1]}\": {why}";
            return false;
        }

        error = null;
        return true;
    }
}
