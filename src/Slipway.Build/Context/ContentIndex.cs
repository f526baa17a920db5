using Slipway.Store;
using Slipway.Store.Layers;

namespace Slipway.Build.Context;

/// <summary>Context files whose digest came from the index, and files whose contents were read and hashed.</summary>
public readonly record struct ContextFileCounts(int FromIndex, int Hashed);

/// <summary>A persistent map from what lstat says about a context file to the SHA-256 of its bytes, so a rebuild
/// of an unchanged context never reads file contents again (git's index, BuildKit's content hash cache).
/// An entry is used only when size, mtime, ctime, inode, device, mode, uid and gid are all unchanged, and its
/// mtime and ctime are older than the index file itself: a file changed within the same timestamp tick as the
/// index write ("racily clean") could otherwise keep a stale digest. The index is a cache: a missing, torn or
/// foreign file is ignored and rebuilt, and when two builds save at once the last rename wins.</summary>
public sealed class ContentIndex
{
    private readonly Dictionary<string, IndexEntry> _entries;
    private readonly string? _file;
    private readonly long _writtenAtNanoseconds;
    private readonly Lock _lock = new();
    private bool _dirty;
    private int _hits;
    private int _hashed;

    private ContentIndex(string? file, Dictionary<string, IndexEntry> entries, long writtenAtNanoseconds)
    {
        _file = file;
        _entries = entries;
        _writtenAtNanoseconds = writtenAtNanoseconds;
    }

    /// <summary>Files whose digest came from the index.</summary>
    public int Hits => Volatile.Read(ref _hits);

    /// <summary>Files whose contents were read and hashed.</summary>
    public int Hashed => Volatile.Read(ref _hashed);

    /// <summary>Where the index of one context directory lives in a store: one file per absolute context path, so
    /// two projects never share entries.</summary>
    public static string PathFor(StoreLayout layout, string contextDir)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return layout.ContextIndexFile(contextDir);
    }

    /// <summary>Loads the index of a context; an unreadable or corrupt index is an empty one.</summary>
    public static ContentIndex Open(StoreLayout layout, string contextDir)
    {
        var file = PathFor(layout, contextDir);
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            // The index's own mtime, taken from the handle that is read, so a concurrent rename cannot pair one
            // file's time with another's entries. DateTime's 100 ns ticks round down, which only makes more
            // entries count as racy.
            var written = (File.GetLastWriteTimeUtc(stream.SafeFileHandle) - DateTime.UnixEpoch).Ticks * 100;
            var length = stream.Length;
            if (length > int.MaxValue)
            {
                return new ContentIndex(file, [], 0);
            }

            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            var entries = IndexFormat.Read(bytes);
            return new ContentIndex(file, entries ?? [], entries is null ? 0 : written);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ContentIndex(file, [], 0);
        }
    }

    /// <summary>An index that is never saved: digests are remembered for this build only.</summary>
    public static ContentIndex InMemory() => new(null, [], 0);

    /// <summary>The SHA-256 of a regular file's contents: from the index when its stat is unchanged and not racy,
    /// otherwise read and hashed (and remembered). <paramref name="stat"/> must be taken before the read, so that
    /// a write during the read shows as a change next time.</summary>
    public byte[] ContentDigest(string path, in FileStat stat)
    {
        ArgumentNullException.ThrowIfNull(path);
        var key = IndexEntry.Key(stat);
        lock (_lock)
        {
            if (_entries.TryGetValue(path, out var entry) && entry.Stat == key && (entry.Fresh || !IsRacy(key)))
            {
                entry.Seen = true;
                _hits++;
                return entry.Digest;
            }
        }

        var digest = FileDigest.Sha256(path);

        lock (_lock)
        {
            _entries[path] = new IndexEntry(key, digest) { Seen = true, Fresh = true };
            _hashed++;
            _dirty = true;
        }

        return digest;
    }

    /// <summary>Writes the index if anything changed: to a temp file beside it, renamed over it. Entries for files
    /// that no longer exist are dropped. Failures are ignored: the index is only a cache.</summary>
    public void Save()
    {
        if (_file is null)
        {
            return;
        }

        lock (_lock)
        {
            if (!_dirty)
            {
                return;
            }

            var folder = Path.GetDirectoryName(_file)!;
            var temp = Path.Join(folder, $".{Path.GetFileName(_file)}.{Guid.NewGuid():N}.tmp");
            try
            {
                Directory.CreateDirectory(folder);
                var kept = _entries.Where(e => e.Value.Seen || LayerNative.LStat(e.Key) is not null);
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    IndexFormat.Write(stream, kept);
                }

                File.Move(temp, _file, overwrite: true);
                _dirty = false;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                TryDelete(temp);
            }
        }
    }

    // Git's rule: an entry whose times are not older than the index file may have been written in the same tick
    // as a later change, so only the bytes can tell.
    private bool IsRacy(in StatKey key) =>
        key.MTimeNanoseconds >= _writtenAtNanoseconds || key.CTimeNanoseconds >= _writtenAtNanoseconds;

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A temp file left behind is harmless; the next save writes another.
        }
    }
}
