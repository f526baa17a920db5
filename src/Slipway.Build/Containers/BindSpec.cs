using System.Diagnostics.CodeAnalysis;
using Slipway.Runtime.Spec;

namespace Slipway.Build.Containers;

/// <summary>One <c>-v HOST:CONTAINER[:ro|rw]</c>: a host directory (or file) bound into the container. Named volumes
/// (a first part that is not an absolute path) are not supported.</summary>
public sealed record BindSpec(string Source, string Destination, bool ReadOnly)
{
    public static bool TryParse(string value, [NotNullWhen(true)] out BindSpec? bind, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(value);
        bind = null;
        var parts = value.Split(':');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            error = $"invalid spec: {value}: " + (parts.Length == 1 ? "anonymous volumes are not supported" : "too many colons");
            return false;
        }

        if (!parts[0].StartsWith('/'))
        {
            error = $"invalid spec: {value}: named volumes are not supported, only host directories (an absolute path)";
            return false;
        }

        if (!parts[1].StartsWith('/'))
        {
            error = $"invalid volume specification: '{value}': invalid mount config for type \"bind\": invalid mount path: '{parts[1]}' mount path must be absolute";
            return false;
        }

        var mode = parts.Length == 3 ? parts[2] : "rw";
        if (mode is not ("ro" or "rw"))
        {
            error = $"invalid mode: {mode}";
            return false;
        }

        bind = new BindSpec(Path.GetFullPath(parts[0]), parts[1], mode == "ro");
        error = null;
        return true;
    }

    /// <summary>The OCI mount; the host directory is made when missing, as docker makes it.</summary>
    public MountSpec ToMount()
    {
        if (!File.Exists(Source))
        {
            Directory.CreateDirectory(Source);
        }

        return new MountSpec { Destination = Destination, Type = "bind", Source = Source, Options = ["rbind", ReadOnly ? "ro" : "rw"] };
    }
}
