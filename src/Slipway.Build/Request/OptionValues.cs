using System.Diagnostics.CodeAnalysis;
using Slipway.Build.Export;
using Slipway.Dockerfile.Instructions;
using Slipway.Oci;
using Slipway.Runtime.Spec;
using NetworkMode = Slipway.Dockerfile.Instructions.NetworkMode;
using Slipway.Store;
using Slipway.Store.Layers;

namespace Slipway.Build.Request;

/// <summary>Checks the build options whose values are words: each parser gives the value or the message the user
/// sees, never an exception.</summary>
public static class OptionValues
{
    /// <summary><c>-t</c> and <c>name=</c>: a reference to name the image by.</summary>
    public static bool TryParseName(string value, [NotNullWhen(true)] out ImageReference? name, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(value);
        error = ImageReference.TryParse(value, out name, out var why) ? null : $"invalid reference \"{value}\": {why}";
        return error is null;
    }

    /// <summary><c>--platform</c>: empty is the host's; one platform, which may be another architecture's.</summary>
    public static bool TryParsePlatform(string? value, [NotNullWhen(true)] out Platform? platform, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrEmpty(value))
        {
            platform = Platform.Host;
            error = null;
            return true;
        }

        if (!Platform.TryParse(value, out platform, out error))
        {
            return false;
        }

        // One platform, the host's or another (its RUN steps emulated); several come with the multi-platform build.
        error = null;
        return true;
    }

    /// <summary><c>--network</c> for every RUN without its own.</summary>
    public static bool TryParseNetwork(string? value, out NetworkMode network, [NotNullWhen(false)] out string? error)
    {
        (network, error) = value switch
        {
            null or "" or "default" => (NetworkMode.Default, null),
            "none" => (NetworkMode.None, null),
            "host" => (NetworkMode.Host, (string?)null),
            _ => (NetworkMode.Default, $"network mode \"{value}\" not supported by buildkit"),
        };
        return error is null;
    }

    /// <summary><c>--shm-size</c>, <c>--ulimit</c> (the last value for a resource wins, as docker's flag keeps it)
    /// and <c>--cgroup-parent</c>, with pflag's wording for a value a flag cannot take.</summary>
    public static bool TryParseLimits(string? shmSize, IEnumerable<string> ulimits, string? cgroupParent, out StepLimits limits,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(ulimits);
        limits = StepLimits.None;
        long shm = 0;
        if (!string.IsNullOrEmpty(shmSize) && !ByteSize.TryParse(shmSize, out shm, out error))
        {
            error = $"invalid argument \"{shmSize}\" for \"--shm-size\" flag: {error}";
            return false;
        }

        var byName = new Dictionary<string, Ulimit>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var value in ulimits)
        {
            if (!Ulimit.TryParse(value, out var ulimit, out error))
            {
                error = $"invalid argument \"{value}\" for \"--ulimit\" flag: {error}";
                return false;
            }

            if (byName.TryAdd(ulimit.Name, ulimit))
            {
                order.Add(ulimit.Name);
            }

            byName[ulimit.Name] = ulimit;
        }

        limits = new StepLimits
        {
            ShmSize = shm,
            Ulimits = [.. order.Select(n => byName[n])],
            CgroupParent = string.IsNullOrEmpty(cgroupParent) ? null : cgroupParent,
        };
        error = null;
        return true;
    }

    /// <summary><c>--label KEY=VALUE</c>, a later one for a key winning; <c>KEY</c> alone is an empty value, as buildx
    /// reads it.</summary>
    public static Dictionary<string, string> ParseLabels(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var eq = value.IndexOf('=', StringComparison.Ordinal);
            labels[eq < 0 ? value : value[..eq]] = eq < 0 ? "" : value[(eq + 1)..];
        }

        return labels;
    }

    /// <summary><c>--compression</c> of new layers.</summary>
    public static bool TryParseCompression(string? value, out LayerCompression compression, [NotNullWhen(false)] out string? error)
    {
        (compression, error) = value switch
        {
            null or "gzip" => (LayerCompression.Gzip, null),
            "zstd" => (LayerCompression.Zstd, null),
            "uncompressed" or "none" => (LayerCompression.None, (string?)null),
            _ => (LayerCompression.Gzip, $"invalid --compression \"{value}\" (gzip, zstd, uncompressed)"),
        };
        return error is null;
    }

    /// <summary><c>--report</c>, each one name or a comma-separated list.</summary>
    public static bool TryParseReports(IEnumerable<string> values, out List<BuildReport> reports, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(values);
        reports = [];
        foreach (var report in values.SelectMany(v => v.Split(',')))
        {
            if (report != "size")
            {
                error = $"invalid --report \"{report}\" (size)";
                return false;
            }

            reports.Add(BuildReport.Size);
        }

        error = null;
        return true;
    }

    /// <summary>Whether <c>--sbom</c> and <c>--attest</c> ask for an SBOM. buildx spells it <c>--sbom=true</c> or
    /// <c>--attest type=sbom</c> (with optional fields we accept and ignore, such as generator=); the last
    /// <c>--attest</c> wins, provenance is <see cref="TryParseProvenance"/>'s, and other attestation types are refused.</summary>
    public static bool TryParseSbom(bool sbom, IEnumerable<string> attest, out bool wanted, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(attest);
        wanted = sbom;
        foreach (var spec in attest)
        {
            string? type = null;
            var disabled = false;
            foreach (var field in spec.Split(','))
            {
                var eq = field.IndexOf('=', StringComparison.Ordinal);
                var (key, value) = eq < 0 ? (field.Trim(), "") : (field[..eq].Trim(), field[(eq + 1)..].Trim());
                if (key == "type")
                {
                    type = value;
                }
                else if (key == "disabled")
                {
                    disabled = value is "true" or "";
                }
            }

            if (type == "provenance")
            {
                continue;
            }

            if (type != "sbom")
            {
                error = $"unsupported --attest \"{spec}\": only type=sbom and type=provenance are supported";
                return false;
            }

            wanted = !disabled;
        }

        error = null;
        return true;
    }

    /// <summary>What <c>--attest type=provenance,…</c> and <c>--provenance</c> ask for, null when neither is given. As
    /// buildx appends the shorthand after the <c>--attest</c> values and keeps the last of a type, the shorthand wins.</summary>
    public static bool TryParseProvenance(string? shorthand, IEnumerable<string> attest, out ProvenanceSpec? provenance, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(attest);
        provenance = null;
        foreach (var spec in attest.Where(a => a.Split(',').Any(f => f.Trim() == "type=provenance")))
        {
            if (!ProvenanceSpec.TryParseFields(spec, out provenance, out error))
            {
                error = $"--attest {spec}: {error}";
                return false;
            }
        }

        if (!string.IsNullOrEmpty(shorthand) && !ProvenanceSpec.TryParseShorthand(shorthand, out provenance, out error))
        {
            error = $"--provenance {shorthand}: {error}";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>A file the build writes after it is done (<c>--iidfile</c>, <c>--metadata-file</c>, an archive
    /// output): its directory must be there now, not only when the build is over.</summary>
    public static bool TryCheckFileDestination(string option, string path, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        error = directory is null || Directory.Exists(directory) ? null : $"{option} {path}: directory {directory} does not exist";
        return error is null;
    }
}
