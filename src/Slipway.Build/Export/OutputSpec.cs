using System.Diagnostics.CodeAnalysis;
using Slipway.Oci;

namespace Slipway.Build.Export;

/// <summary>Where a build's result goes besides the store, as <c>--output type=…</c> names it.</summary>
public enum OutputKind
{
    Image,
    Oci,
    Docker,
    Tar,
    Local,
    Registry,
}

/// <summary>One <c>--output</c>, checked: its kind, destination (<c>-</c> is standard output), the names it gives
/// the image (none: the build's tags) and whether it pushes.</summary>
public sealed record OutputSpec(OutputKind Kind, string? Destination, IReadOnlyList<ImageReference> Names, bool Push)
{
    /// <summary><c>--push</c>: the build's tags, pushed.</summary>
    public static OutputSpec PushTags { get; } = new(OutputKind.Registry, null, [], true);

    /// <summary><c>--load</c>: shorthand for <c>type=docker</c> with no destination.</summary>
    public static OutputSpec Load { get; } = new(OutputKind.Docker, null, [], false);

    public bool ToStandardOutput => Destination == "-";

    /// <summary><c>type=docker</c> with no <c>dest</c> loads into the docker engine, as buildx's does.</summary>
    public bool LoadsIntoEngine => Kind == OutputKind.Docker && Destination is null;

    /// <summary>Parses BuildKit's CSV form (<c>type=local,dest=out</c>) and its shorthands (<c>-o out</c> is
    /// local, <c>-o -</c> is a tar on standard output, <c>type=docker</c> alone loads into the engine).</summary>
    public static bool TryParse(string value, [NotNullWhen(true)] out OutputSpec? spec, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(value);
        spec = null;
        if (!value.Contains('=', StringComparison.Ordinal))
        {
            spec = value == "-" ? new OutputSpec(OutputKind.Tar, "-", [], false) : new OutputSpec(OutputKind.Local, value, [], false);
            error = null;
            return true;
        }

        string? type = null, dest = null, name = null;
        var push = false;
        foreach (var field in value.Split(','))
        {
            var eq = field.IndexOf('=', StringComparison.Ordinal);
            var (key, val) = eq < 0 ? (field, "true") : (field[..eq].Trim(), field[(eq + 1)..].Trim());
            switch (key)
            {
                case "type": type = val; break;
                case "dest": dest = val; break;
                case "name": name = val; break;
                case "push": push = val == "true"; break;
                default:
                    error = $"unsupported --output attribute \"{key}\"";
                    return false;
            }
        }

        OutputKind? kind = type switch
        {
            "image" => OutputKind.Image,
            "oci" => OutputKind.Oci,
            "docker" => OutputKind.Docker,
            "tar" => OutputKind.Tar,
            "local" => OutputKind.Local,
            "registry" => OutputKind.Registry,
            _ => null,
        };
        error = kind is null ? type is null ? "--output needs type=" : $"unsupported --output type \"{type}\" (image, oci, docker, tar, local, registry)"
            : kind is OutputKind.Oci or OutputKind.Tar or OutputKind.Local && dest is null ? $"--output type={type} needs dest="
            : null;
        if (error is not null || !TryParseNames(name, out var names, out error))
        {
            return false;
        }

        spec = new OutputSpec(kind!.Value, dest, names, push || kind == OutputKind.Registry);
        return true;
    }

    private static bool TryParseNames(string? value, out List<ImageReference> names, [NotNullWhen(false)] out string? error)
    {
        names = [];
        error = null;
        foreach (var name in value?.Split(',') ?? [])
        {
            if (!ImageReference.TryParse(name, out var reference, out var why))
            {
                error = $"invalid reference \"{name}\": {why}";
                return false;
            }

            names.Add(reference);
        }

        return true;
    }
}
