using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Slipway.Store.Layers;

/// <summary>The few libc calls .NET does not expose: they act on a link itself (lchown, utimensat with
/// AT_SYMLINK_NOFOLLOW, l*xattr), make special files (mknod) or report inode facts (statx).
/// Source-generated interop so the code stays NativeAOT-safe.</summary>
[SupportedOSPlatform("linux")]
public static partial class LayerNative
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int ENODATA = 61;
    private const int ERANGE = 34;

    public static bool IsRoot => geteuid() == 0;

    public static uint EffectiveUserId => geteuid();

    /// <summary>lstat(2) through statx, whose layout is the same on every architecture.
    /// Returns null when the path does not exist.</summary>
    public static FileStat? LStat(string path)
    {
        Span<byte> buf = stackalloc byte[256];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buf) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is 2 or 20)
            {
                return null; // ENOENT, ENOTDIR: nothing there
            }

            throw Error(errno, "stat", path);
        }

        return new FileStat(
            Mode: BinaryPrimitives.ReadUInt16LittleEndian(buf[28..]),
            Nlink: BinaryPrimitives.ReadUInt32LittleEndian(buf[16..]),
            Uid: BinaryPrimitives.ReadUInt32LittleEndian(buf[20..]),
            Gid: BinaryPrimitives.ReadUInt32LittleEndian(buf[24..]),
            Inode: BinaryPrimitives.ReadUInt64LittleEndian(buf[32..]),
            Size: BinaryPrimitives.ReadInt64LittleEndian(buf[40..]),
            MTimeSeconds: BinaryPrimitives.ReadInt64LittleEndian(buf[112..]),
            MTimeNanoseconds: BinaryPrimitives.ReadUInt32LittleEndian(buf[120..]),
            RdevMajor: BinaryPrimitives.ReadUInt32LittleEndian(buf[128..]),
            RdevMinor: BinaryPrimitives.ReadUInt32LittleEndian(buf[132..]),
            DevMajor: BinaryPrimitives.ReadUInt32LittleEndian(buf[136..]),
            DevMinor: BinaryPrimitives.ReadUInt32LittleEndian(buf[140..]),
            CTimeSeconds: BinaryPrimitives.ReadInt64LittleEndian(buf[96..]),
            CTimeNanoseconds: BinaryPrimitives.ReadUInt32LittleEndian(buf[104..]));
    }

    public static void LChown(string path, int uid, int gid)
    {
        if (lchown(path, (uint)uid, (uint)gid) != 0)
        {
            throw Error(Marshal.GetLastPInvokeError(), "lchown", path);
        }
    }

    /// <summary>Sets atime and mtime on the path itself, never on what a symlink points to.</summary>
    public static void SetTimes(string path, DateTimeOffset access, DateTimeOffset modified)
    {
        Span<long> times = stackalloc long[4];
        ToTimespec(access, times[..2]);
        ToTimespec(modified, times[2..]);
        if (utimensat(AtFdCwd, path, times, AtSymlinkNoFollow) != 0)
        {
            throw Error(Marshal.GetLastPInvokeError(), "utimensat", path);
        }
    }

    public static void MkNod(string path, uint typeAndMode, uint major, uint minor)
    {
        ulong dev = ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) |
                    ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);
        if (mknod(path, typeAndMode, dev) != 0)
        {
            throw Error(Marshal.GetLastPInvokeError(), "mknod", path);
        }
    }

    /// <summary>link(2): never follows a symlink at <paramref name="existing"/>.</summary>
    public static void Link(string existing, string newPath)
    {
        if (link(existing, newPath) != 0)
        {
            throw Error(Marshal.GetLastPInvokeError(), "link", newPath);
        }
    }

    /// <summary>mkdir(2), without the parent walk <see cref="Directory.CreateDirectory(string)"/> does.</summary>
    public static void MkDir(string path, UnixFileMode mode)
    {
        if (mkdir(path, (uint)mode) != 0)
        {
            throw Error(Marshal.GetLastPInvokeError(), "mkdir", path);
        }
    }

    /// <summary>Creates a new file for writing: O_CREAT|O_EXCL|O_NOFOLLOW, so it never opens through a symlink
    /// left at the path. A bare open(2): <see cref="FileStream"/> adds fstat, fstatfs, flock and lseek per file,
    /// which a layer with tens of thousands of files pays for in full.</summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle CreateNewFile(string path, UnixFileMode mode)
    {
        const int oWrOnly = 0x1, oCreat = 0x40, oExcl = 0x80, oNoFollow = 0x20000, oCloExec = 0x80000;
        var fd = open(path, oWrOnly | oCreat | oExcl | oNoFollow | oCloExec, (uint)mode);
        if (fd < 0)
        {
            throw Error(Marshal.GetLastPInvokeError(), "create", path);
        }

        return new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Writes all of <paramref name="data"/> at the file's current offset (write(2) until done).</summary>
    public static void WriteAll(Microsoft.Win32.SafeHandles.SafeFileHandle file, ReadOnlySpan<byte> data, string pathForErrors)
    {
        ArgumentNullException.ThrowIfNull(file);
        while (!data.IsEmpty)
        {
            var n = write(file, data, (nuint)data.Length);
            if (n < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == 4)
                {
                    continue; // EINTR
                }

                throw Error(errno, "write", pathForErrors);
            }

            data = data[(int)n..];
        }
    }

    /// <summary>Opens an existing file for reading, never through a symlink at its last component.</summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle OpenReadNoFollow(string path)
    {
        const int oRdOnly = 0, oNoFollow = 0x20000, oCloExec = 0x80000;
        var fd = open(path, oRdOnly | oNoFollow | oCloExec, 0);
        if (fd < 0)
        {
            throw Error(Marshal.GetLastPInvokeError(), "open", path);
        }

        return new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Copies a whole file's data inside the kernel (sendfile(2)), without passing the bytes through
    /// a user-space buffer. Returns the number of bytes copied.</summary>
    public static long CopyData(
        Microsoft.Win32.SafeHandles.SafeFileHandle from, Microsoft.Win32.SafeHandles.SafeFileHandle to, string pathForErrors)
    {
        long total = 0;
        while (true)
        {
            var n = sendfile(to, from, 0, 1 << 30);
            if (n < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == 4)
                {
                    continue; // EINTR
                }

                throw Error(errno, "sendfile", pathForErrors);
            }

            if (n == 0)
            {
                return total;
            }

            total += n;
        }
    }

    /// <summary>Returns 0 or the errno, so the caller decides which failures are only warnings.</summary>
    public static int TrySetXattr(string path, string name, ReadOnlySpan<byte> value) =>
        lsetxattr(path, name, value, (nuint)value.Length, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();

    public static IReadOnlyList<string> ListXattrs(string path)
    {
        var size = llistxattr(path, [], 0);
        if (size < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == 95 ? [] : throw Error(errno, "llistxattr", path); // EOPNOTSUPP: no xattrs here
        }

        if (size == 0)
        {
            return [];
        }

        var buffer = new byte[size];
        size = llistxattr(path, buffer, (nuint)buffer.Length);
        if (size < 0)
        {
            throw Error(Marshal.GetLastPInvokeError(), "llistxattr", path);
        }

        var names = new List<string>();
        foreach (var range in buffer.AsSpan(0, (int)size).Split((byte)0))
        {
            var name = buffer.AsSpan(0, (int)size)[range];
            if (!name.IsEmpty)
            {
                names.Add(System.Text.Encoding.UTF8.GetString(name));
            }
        }

        return names;
    }

    public static byte[]? GetXattr(string path, string name)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var size = lgetxattr(path, name, [], 0);
            if (size < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno is ENODATA or 95 ? null : throw Error(errno, "lgetxattr " + name, path);
            }

            var value = new byte[size];
            var read = lgetxattr(path, name, value, (nuint)value.Length);
            if (read >= 0)
            {
                return read == size ? value : value[..(int)read];
            }

            if (Marshal.GetLastPInvokeError() != ERANGE)
            {
                throw Error(Marshal.GetLastPInvokeError(), "lgetxattr " + name, path);
            }
        }

        throw Error(ERANGE, "lgetxattr " + name, path);
    }

    public static IOException Error(int errno, string operation, string path) =>
        new($"{operation} {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");

    private static void ToTimespec(DateTimeOffset time, Span<long> timespec)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        timespec[0] = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
        if (remainder < 0)
        {
            timespec[0] -= 1;
            remainder += TimeSpan.TicksPerSecond;
        }

        timespec[1] = remainder * 100;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial uint geteuid();

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, Span<byte> buffer);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mkdir(string path, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendfile(
        Microsoft.Win32.SafeHandles.SafeFileHandle outFd, Microsoft.Win32.SafeHandles.SafeFileHandle inFd, nint offset, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(Microsoft.Win32.SafeHandles.SafeFileHandle fd, ReadOnlySpan<byte> buffer, nuint count);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, uint uid, uint gid);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int utimensat(int dirfd, string path, ReadOnlySpan<long> times, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mknod(string path, uint mode, ulong dev);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string oldPath, string newPath);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lsetxattr(string path, string name, ReadOnlySpan<byte> value, nuint size, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint llistxattr(string path, Span<byte> list, nuint size);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint lgetxattr(string path, string name, Span<byte> value, nuint size);
}

/// <summary>What lstat says about one path.</summary>
public readonly record struct FileStat(
    uint Mode,
    uint Nlink,
    uint Uid,
    uint Gid,
    ulong Inode,
    long Size,
    long MTimeSeconds,
    uint MTimeNanoseconds,
    uint RdevMajor,
    uint RdevMinor,
    uint DevMajor,
    uint DevMinor,
    long CTimeSeconds = 0,
    uint CTimeNanoseconds = 0)
{
    public uint Type => Mode & UnixFileType.Mask;

    public bool IsDirectory => Type == UnixFileType.Directory;

    public bool IsSymlink => Type == UnixFileType.Symlink;

    public bool IsRegular => Type == UnixFileType.Regular;

    public DateTimeOffset ModificationTime =>
        DateTimeOffset.UnixEpoch.AddTicks((MTimeSeconds * TimeSpan.TicksPerSecond) + (MTimeNanoseconds / 100));
}

/// <summary>The S_IF* file type bits of st_mode.</summary>
internal static class UnixFileType
{
    public const uint Mask = 0xF000;
    public const uint Socket = 0xC000;
    public const uint Symlink = 0xA000;
    public const uint Regular = 0x8000;
    public const uint Block = 0x6000;
    public const uint Directory = 0x4000;
    public const uint Char = 0x2000;
    public const uint Fifo = 0x1000;
}
