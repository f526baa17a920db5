using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using ProcessArchitecture = System.Runtime.InteropServices.Architecture;
using System.Text.Json.Serialization;

namespace Slipway.Oci;

/// <summary>An image platform, <c>os/architecture[/variant]</c>, normalised the way containerd's platforms
/// package does it so that <c>x86_64</c>, <c>amd64</c> and <c>linux/amd64</c> all mean the same thing.</summary>
public sealed record Platform
{
    [JsonPropertyName("architecture")]
    public required string Architecture { get; init; }

    [JsonPropertyName("os")]
    public required string Os { get; init; }

    [JsonPropertyName("os.version")]
    public string? OsVersion { get; init; }

    [JsonPropertyName("os.features")]
    public IReadOnlyList<string>? OsFeatures { get; init; }

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    public static Platform Linux(string architecture, string? variant = null) =>
        new Platform { Os = "linux", Architecture = architecture, Variant = variant }.Normalize();

    /// <summary>The platform this process runs on (always reported as linux: that is what we build for).</summary>
    public static Platform Host => Linux(
        RuntimeInformation.OSArchitecture switch
        {
            ProcessArchitecture.X64 => "amd64",
            ProcessArchitecture.X86 => "386",
            ProcessArchitecture.Arm64 => "arm64",
            ProcessArchitecture.Arm or ProcessArchitecture.Armv6 => "arm",
            ProcessArchitecture.S390x => "s390x",
            ProcessArchitecture.Ppc64le => "ppc64le",
            ProcessArchitecture.RiscV64 => "riscv64",
            ProcessArchitecture.LoongArch64 => "loong64",
            var other => other.ToString().ToLowerInvariant(),
        },
        RuntimeInformation.OSArchitecture == ProcessArchitecture.Armv6 ? "v6" : null);

    /// <summary>Parses a specifier: <c>os</c>, <c>arch</c>, <c>os/arch</c> or <c>os/arch/variant</c>. A lone
    /// component that is a known OS takes the host's architecture; otherwise it is an architecture on linux.</summary>
    public static Platform Parse(string specifier)
    {
        if (!TryParse(specifier, out var platform, out var error))
        {
            throw new FormatException(error);
        }

        return platform;
    }

    public static bool TryParse(string? specifier, [NotNullWhen(true)] out Platform? platform, [NotNullWhen(false)] out string? error)
    {
        platform = null;
        if (string.IsNullOrWhiteSpace(specifier))
        {
            error = "invalid platform: empty";
            return false;
        }

        var parts = specifier.Split('/');
        foreach (var part in parts)
        {
            if (part.Length == 0 || !part.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                error = $"\"{specifier}\": invalid platform: unknown operating system or architecture";
                return false;
            }
        }

        switch (parts.Length)
        {
            case 1:
                var single = NormalizeOs(parts[0]);
                platform = IsKnownOs(single)
                    ? Host with { Os = single }
                    : new Platform { Os = "linux", Architecture = parts[0] }.Normalize();
                break;
            case 2:
                platform = new Platform { Os = parts[0], Architecture = parts[1] }.Normalize();
                break;
            case 3:
                platform = new Platform { Os = parts[0], Architecture = parts[1], Variant = parts[2] }.Normalize();
                break;
            default:
                error = $"\"{specifier}\": invalid platform: too many path components";
                return false;
        }

        if (!IsKnownArchitecture(platform.Architecture))
        {
            error = $"\"{specifier}\": invalid platform: unknown architecture \"{platform.Architecture}\"";
            platform = null;
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>containerd's normalisation: lower-case, <c>macos</c> → <c>darwin</c>, <c>x86_64</c> → <c>amd64</c>,
    /// <c>aarch64</c> → <c>arm64</c> (v8 is the default variant and is dropped), <c>armhf</c> → <c>arm/v7</c>,
    /// <c>armel</c> → <c>arm/v6</c>, bare <c>arm</c> → <c>arm/v7</c>.</summary>
    public Platform Normalize()
    {
        var arch = Architecture.ToLowerInvariant();
        var variant = Variant?.ToLowerInvariant() ?? string.Empty;
        switch (arch)
        {
            case "i386":
                arch = "386";
                variant = string.Empty;
                break;
            case "x86_64" or "x86-64" or "amd64":
                arch = "amd64";
                variant = variant == "v1" ? string.Empty : variant;
                break;
            case "aarch64" or "arm64":
                arch = "arm64";
                variant = variant switch
                {
                    "8" or "v8" or "v8.0" => string.Empty,
                    "9" or "9.0" or "v9.0" => "v9",
                    _ => variant,
                };
                break;
            case "armhf":
                arch = "arm";
                variant = "v7";
                break;
            case "armel":
                arch = "arm";
                variant = "v6";
                break;
            case "arm":
                variant = variant switch
                {
                    "" or "7" => "v7",
                    "5" or "6" or "8" => "v" + variant,
                    _ => variant,
                };
                break;
        }

        return this with
        {
            Os = NormalizeOs(Os),
            Architecture = arch,
            Variant = variant.Length == 0 ? null : variant,
        };
    }

    /// <summary>The specifier form, <c>linux/arm64/v8</c> style, without OS version or features.</summary>
    public override string ToString() =>
        string.IsNullOrEmpty(Variant) ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";

    internal static bool IsKnownOs(string os) => os is "aix" or "android" or "darwin" or "dragonfly" or "freebsd"
        or "hurd" or "illumos" or "ios" or "js" or "linux" or "nacl" or "netbsd" or "openbsd" or "plan9"
        or "solaris" or "wasip1" or "windows" or "zos";

    internal static bool IsKnownArchitecture(string arch) => arch is "386" or "amd64" or "amd64p32" or "arm"
        or "armbe" or "arm64" or "arm64be" or "ppc64" or "ppc64le" or "loong64" or "mips" or "mipsle" or "mips64"
        or "mips64le" or "mips64p32" or "mips64p32le" or "ppc" or "riscv" or "riscv64" or "s390" or "s390x"
        or "sparc" or "sparc64" or "wasm";

    private static string NormalizeOs(string os)
    {
        var lower = os.ToLowerInvariant();
        return lower == "macos" ? "darwin" : lower;
    }
}
