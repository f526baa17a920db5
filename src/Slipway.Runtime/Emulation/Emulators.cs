using System.IO.Compression;
using Slipway.Oci;

namespace Slipway.Runtime.Emulation;

/// <summary>Finds the platforms this machine runs: its own (and what its CPU runs besides, as BuildKit's archutil
/// lists them) and those binfmt_misc hands to an emulator such as Debian's qemu-user-static.</summary>
public static class Emulators
{
    public const string DefaultBinfmtDir = "/proc/sys/fs/binfmt_misc";

    public static EmulationReport Detect(string binfmtDir = DefaultBinfmtDir) =>
        Detect(binfmtDir, Platform.Host, ReadCpuFlags(), KernelHasCompat());

    /// <summary>Whether <paramref name="platform"/> is the host's own: it always runs, so the callers on every
    /// build's and run's path (<see cref="CannotRun"/>) need not read /proc for it.</summary>
    public static bool IsHost(Platform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        return platform.Normalize().ToString() == Platform.Host.Normalize().ToString();
    }

    /// <summary><see cref="EmulationReport.CannotRun"/> of this machine, read only for a platform not the host's.</summary>
    public static string? CannotRun(Platform platform) => IsHost(platform) ? null : Detect().CannotRun(platform);

    /// <summary>The seam tests use: the host's platform, its CPU flags (/proc/cpuinfo) and whether its kernel runs
    /// 32-bit arm binaries (null when unknown) are given rather than read.</summary>
    internal static EmulationReport Detect(string binfmtDir, Platform host, IReadOnlySet<string> cpuFlags, bool? kernelCompat)
    {
        var native = NativePlatforms(host, cpuFlags, kernelCompat);
        var status = Path.Join(binfmtDir, "status");
        string? problem = null;
        var emulated = new List<EmulatedPlatform>();
        if (!File.Exists(status))
        {
            problem = $"binfmt_misc is not mounted at {binfmtDir} (as root: mount -t binfmt_misc binfmt_misc {binfmtDir})";
        }
        else if (ReadOrNull(status)?.Trim() == "disabled")
        {
            problem = $"binfmt_misc is disabled (as root: echo 1 > {status})";
        }
        else
        {
            foreach (var file in Directory.EnumerateFiles(binfmtDir).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                if (name is "register" or "status" || ReadOrNull(file) is not { } text
                    || BinfmtEntry.Parse(name, text) is not { Enabled: true } entry)
                {
                    continue;
                }

                foreach (var platform in entry.Platforms())
                {
                    if (!native.Contains(platform) && !emulated.Any(e => e.Platform == platform && e.FixBinary))
                    {
                        emulated.RemoveAll(e => e.Platform == platform);
                        emulated.Add(new EmulatedPlatform(platform, entry.Interpreter, entry.FixBinary));
                    }
                }
            }
        }

        return new EmulationReport(native, emulated, problem);
    }

    /// <summary>The host's platform first, then what its CPU also runs: amd64's micro-architecture levels its
    /// flags reach and 386; on arm64, 32-bit arm when the kernel is built with CONFIG_COMPAT. BuildKit's archutil
    /// finds this by running a tiny binary of each kind; reading the CPU flags and the kernel config is enough to
    /// decide here, and an arm64 kernel whose config cannot be read is taken to have compat, as Debian's and
    /// Ubuntu's do.</summary>
    internal static List<Platform> NativePlatforms(Platform host, IReadOnlySet<string> cpuFlags, bool? kernelCompat)
    {
        var native = new List<Platform> { host with { Variant = host.Architecture == "amd64" ? null : host.Variant } };
        switch (host.Architecture)
        {
            case "amd64":
                string[] v2 = ["cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3"];
                string[] v3 = ["avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"];
                string[] v4 = ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"];
                var level = 1;
                foreach (var flags in new[] { v2, v3, v4 })
                {
                    if (!flags.All(cpuFlags.Contains))
                    {
                        break;
                    }

                    level++;
                    native.Add(Platform.Linux("amd64", $"v{level}"));
                }

                native.Add(Platform.Linux("386"));
                break;
            case "arm64" when kernelCompat ?? true:
                native.Add(Platform.Linux("arm", "v7"));
                native.Add(Platform.Linux("arm", "v6"));
                break;
        }

        return native;
    }

    private static HashSet<string> ReadCpuFlags()
    {
        var flags = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in (ReadOrNull("/proc/cpuinfo") ?? string.Empty).Split('\n'))
        {
            if (line.StartsWith("flags", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
            {
                flags.UnionWith(line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
                break;
            }
        }

        return flags;
    }

    /// <summary>CONFIG_COMPAT from /proc/config.gz or /boot/config-RELEASE; null when neither can be read.</summary>
    private static bool? KernelHasCompat()
    {
        if (Platform.Host.Architecture != "arm64")
        {
            return null;
        }

        string? config = null;
        try
        {
            using var gz = new GZipStream(File.OpenRead("/proc/config.gz"), CompressionMode.Decompress);
            using var reader = new StreamReader(gz);
            config = reader.ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            var release = ReadOrNull("/proc/sys/kernel/osrelease")?.Trim();
            config = release is null ? null : ReadOrNull("/boot/config-" + release);
        }

        return config?.Split('\n').Contains("CONFIG_COMPAT=y");
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
