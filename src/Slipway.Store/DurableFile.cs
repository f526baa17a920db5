using System.Runtime.InteropServices;

namespace Slipway.Store;

/// <summary>Crash-safe file replacement: write a temp file beside the target, fsync it, rename it over the target,
/// fsync the folder so the rename itself survives a power cut.</summary>
public static partial class DurableFile
{
    public static void WriteAtomically(string path, ReadOnlySpan<byte> content) => Replace(path, content, durable: true);

    /// <summary>Atomic replacement without the fsyncs, for files that mean nothing after a crash (a lease names a
    /// live process; a cache record or memo is checked before use): readers see the old or the new content, never
    /// a torn one.</summary>
    public static void ReplaceAtomically(string path, ReadOnlySpan<byte> content) => Replace(path, content, durable: false);

    private static void Replace(string path, ReadOnlySpan<byte> content, bool durable)
    {
        var folder = Path.GetDirectoryName(path)!;
        var temp = Path.Join(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                if (durable)
                {
                    stream.Flush(flushToDisk: true);
                }
            }

            File.Move(temp, path, overwrite: true);
            if (durable)
            {
                SyncFolder(folder);
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>fsync on a directory: .NET has no API for it, so it goes through libc.</summary>
    public static void SyncFolder(string folder)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // O_RDONLY opens a directory as well; O_DIRECTORY's value differs between architectures.
        const int ReadOnly = 0;
        var fd = Open(folder, ReadOnly);
        if (fd < 0)
        {
            return;
        }

        try
        {
            _ = Fsync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
