using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Slipway.Store.Snapshots;

/// <summary>Mounts a snapshot: read-only layer directories as overlayfs lowerdirs under a writable upper dir.
/// A RUN step's changes land in the upper dir, which becomes the step's layer.</summary>
[SupportedOSPlatform("linux")]
public static partial class OverlayMount
{
    private const int MntDetach = 2;

    // mount(2) takes the options as one page; long lowerdir lists go through the new mount API instead.
    private const int MaxLegacyOptionsLength = 4000;

    private const uint FsopenCloexec = 1;
    private const uint FsconfigSetString = 1;
    private const uint FsconfigCmdCreate = 6;
    private const uint FsmountCloexec = 1;
    private const uint MoveMountFEmptyPath = 4;
    private const int AtFdcwd = -100;

    /// <summary>Mounts <paramref name="lowerDirs"/> (top-most first) with <paramref name="upperDir"/> and
    /// <paramref name="workDir"/> (same filesystem as upper) on <paramref name="target"/>. With no upper dir the
    /// mount is read-only.</summary>
    public static void Mount(IReadOnlyList<string> lowerDirs, string? upperDir, string? workDir, string target)
    {
        ArgumentNullException.ThrowIfNull(lowerDirs);
        if (lowerDirs.Count == 0)
        {
            throw new ArgumentException("overlayfs needs at least one lower directory", nameof(lowerDirs));
        }

        foreach (var dir in lowerDirs.Append(upperDir).Append(workDir).Append(target))
        {
            if (dir is not null && (dir.Contains(',', StringComparison.Ordinal) || dir.Contains(':', StringComparison.Ordinal)))
            {
                throw new ArgumentException($"overlay paths cannot contain ',' or ':': {dir}");
            }
        }

        // overlayfs wants two lowers at least when there is no upper; a single read-only lower is a bind.
        var options = $"lowerdir={string.Join(':', lowerDirs)}";
        if (upperDir is not null)
        {
            options += $",upperdir={upperDir},workdir={workDir}";
        }

        if (upperDir is null && lowerDirs.Count == 1)
        {
            Check(MountSyscall(lowerDirs[0], target, null, MsBind | MsRdonly, null), "bind", target);
            Check(MountSyscall(null, target, null, MsBind | MsRdonly | MsRemount, null), "remount read-only", target);
            return;
        }

        if (options.Length <= MaxLegacyOptionsLength)
        {
            Check(MountSyscall("overlay", target, "overlay", 0, options + ",index=off,redirect_dir=off"), "overlay mount", target);
            return;
        }

        MountWithFsConfig(lowerDirs, upperDir, workDir, target);
    }

    /// <summary>A fresh tmpfs (never on disk), e.g. for secrets that must not outlive one step.</summary>
    public static void MountTmpfs(string target, long? sizeBytes = null, string mode = "0700")
    {
        var options = $"mode={mode}" + (sizeBytes is { } size ? $",size={size}" : "");
        Check(MountSyscall("tmpfs", target, "tmpfs", MsNosuid | MsNodev, options), "tmpfs mount", target);
    }

    public static void Unmount(string target)
    {
        if (Umount2(target, MntDetach) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            // EINVAL: not a mount point (already gone) — nothing to undo.
            if (errno != 22)
            {
                throw new IOException($"unmount {target}: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }
    }

    /// <summary>Mount points at or below <paramref name="dir"/> in this process's mount namespace, deepest first
    /// (the order to unmount them in), from <c>/proc/self/mountinfo</c>.</summary>
    public static IReadOnlyList<string> MountsUnder(string dir) =>
        MountPointsUnder(File.ReadAllText("/proc/self/mountinfo"), dir);

    /// <summary>The mount points (fifth field, octal escapes such as <c>\040</c> decoded) of a mountinfo text at or
    /// below <paramref name="dir"/>, deepest first.</summary>
    public static IReadOnlyList<string> MountPointsUnder(string mountinfo, string dir)
    {
        ArgumentNullException.ThrowIfNull(mountinfo);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
        var found = new List<string>();
        foreach (var line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            if (fields.Length < 5)
            {
                continue;
            }

            var point = Unescape(fields[4]);
            if (IsAtOrBelow(point, root))
            {
                found.Add(point);
            }
        }

        return [.. found.Distinct(StringComparer.Ordinal).OrderByDescending(p => p.Count(c => c == '/')).ThenByDescending(p => p, StringComparer.Ordinal)];
    }

    /// <summary>Whether <paramref name="point"/> is <paramref name="root"/> or lies below it, compared component by
    /// component (the kernel prints mount points canonical: no links, no <c>..</c>, so nothing is resolved here).</summary>
    private static bool IsAtOrBelow(string point, string root)
    {
        var below = point.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var above = root.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return below.Length >= above.Length && above.AsSpan().SequenceEqual(below.AsSpan(0, above.Length));
    }

    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var result = new System.Text.StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && field[(i + 1)..(i + 4)].All(c => c is >= '0' and <= '7'))
            {
                result.Append((char)Convert.ToInt32(field[(i + 1)..(i + 4)], 8));
                i += 3;
            }
            else
            {
                result.Append(field[i]);
            }
        }

        return result.ToString();
    }

    private const ulong MsRdonly = 1;
    private const ulong MsNosuid = 2;
    private const ulong MsNodev = 4;
    private const ulong MsRemount = 32;
    private const ulong MsBind = 4096;

    private static void MountWithFsConfig(IReadOnlyList<string> lowerDirs, string? upperDir, string? workDir, string target)
    {
        var fs = Fsopen("overlay", FsopenCloexec);
        Check(fs < 0 ? -1 : 0, "fsopen overlay", target);
        try
        {
            foreach (var lower in lowerDirs)
            {
                Check(Fsconfig(fs, FsconfigSetString, "lowerdir+", lower, 0), "fsconfig lowerdir+", target);
            }

            if (upperDir is not null)
            {
                Check(Fsconfig(fs, FsconfigSetString, "upperdir", upperDir, 0), "fsconfig upperdir", target);
                Check(Fsconfig(fs, FsconfigSetString, "workdir", workDir, 0), "fsconfig workdir", target);
            }

            Check(Fsconfig(fs, FsconfigCmdCreate, null, null, 0), "fsconfig create", target);
            var mnt = Fsmount(fs, FsmountCloexec, 0);
            Check(mnt < 0 ? -1 : 0, "fsmount", target);
            try
            {
                Check(MoveMount(mnt, "", AtFdcwd, target, MoveMountFEmptyPath), "move_mount", target);
            }
            finally
            {
                Close(mnt);
            }
        }
        finally
        {
            Close(fs);
        }
    }

    private static void Check(int result, string what, string target)
    {
        if (result != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"{what} on {target}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MountSyscall(string? source, string target, string? fstype, ulong flags, string? data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Umount2(string target, int flags);

    [LibraryImport("libc", EntryPoint = "fsopen", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Fsopen(string fsName, uint flags);

    [LibraryImport("libc", EntryPoint = "fsconfig", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Fsconfig(int fd, uint cmd, string? key, string? value, int aux);

    [LibraryImport("libc", EntryPoint = "fsmount", SetLastError = true)]
    private static partial int Fsmount(int fd, uint flags, uint attrFlags);

    [LibraryImport("libc", EntryPoint = "move_mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MoveMount(int fromFd, string fromPath, int toFd, string toPath, uint flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
