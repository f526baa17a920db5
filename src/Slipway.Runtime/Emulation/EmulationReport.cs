using Slipway.Oci;

namespace Slipway.Runtime.Emulation;

/// <summary>A platform this machine runs through a binfmt_misc handler (qemu-user). <paramref name="FixBinary"/>
/// is the handler's F flag: the kernel opened the interpreter when it was registered, so it works inside any
/// container; without it the kernel looks the interpreter up by path inside the container's root at each exec.</summary>
public sealed record EmulatedPlatform(Platform Platform, string Interpreter, bool FixBinary);

/// <summary>What this machine can run: natively, through binfmt_misc, and why not when binfmt_misc is missing.</summary>
public sealed record EmulationReport(IReadOnlyList<Platform> Native, IReadOnlyList<EmulatedPlatform> Emulated, string? Problem)
{
    /// <summary>The platforms docker users build for most, listed by <c>slipway info</c> when this machine cannot
    /// run them.</summary>
    public static readonly IReadOnlyList<Platform> Common =
    [
        Platform.Linux("amd64"), Platform.Linux("arm64"), Platform.Linux("arm", "v7"), Platform.Linux("arm", "v6"),
        Platform.Linux("386"), Platform.Linux("ppc64le"), Platform.Linux("s390x"), Platform.Linux("riscv64"),
    ];

    /// <summary>How to make foreign platforms run here, in one sentence.</summary>
    public const string Fix = "install qemu-user-static (apt-get install qemu-user-static) and register its binfmt_misc " +
        "handlers (Slipway's scripts/setup does both, as docker's tonistiigi/binfmt image does)";

    /// <summary>Null when a container of <paramref name="platform"/> runs here (natively, or emulated by a handler
    /// with the F flag); otherwise what is missing and what to do, as a clause that names the platform (callers put
    /// their own context first: "RUN in stage build needs linux/s390x, which this machine cannot run: …").</summary>
    public string? CannotRun(Platform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var wanted = platform.Normalize();
        if (wanted.Os != "linux")
        {
            return $"only linux containers run here, not {wanted}";
        }

        if (Native.Any(n => Same(n, wanted)))
        {
            return null;
        }

        var handlers = Emulated.Where(e => Same(e.Platform, wanted)).ToList();
        if (handlers.Any(e => e.FixBinary))
        {
            return null;
        }

        if (handlers.Count > 0)
        {
            return $"the binfmt_misc handler for {wanted} ({handlers[0].Interpreter}) is registered without the F flag, " +
                "so its interpreter would have to exist inside every image; register it again with the F flag " +
                $"(Debian's qemu-user-static handlers carry it): {Fix}";
        }

        if (Native.Count > 0 && Native[0].Architecture == wanted.Architecture)
        {
            return $"this {Native[0]} CPU lacks the instructions {wanted} requires";
        }

        return Problem is not null
            ? $"{Problem}, so no emulator runs {wanted} binaries"
            : $"no binfmt_misc handler for {wanted} binaries is registered; {Fix}";
    }

    /// <summary><see cref="CannotRun"/> as one sentence for a user who asked to run <paramref name="platform"/>.</summary>
    public string? CannotRunSentence(Platform platform) =>
        CannotRun(platform) is { } why ? $"{platform.Normalize()} cannot run on this machine: {why}" : null;

    private static bool Same(Platform a, Platform b) =>
        a.Os == b.Os && a.Architecture == b.Architecture && (a.Variant ?? string.Empty) == (b.Variant ?? string.Empty);
}
