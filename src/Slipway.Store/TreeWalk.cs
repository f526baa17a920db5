using Slipway.Store.Layers;

namespace Slipway.Store;

/// <summary>Size and removal of trees the store owns but whose contents come from images and builds (snapshots,
/// cache mounts, build scratch): a layer may hold <c>d/a -> .</c> or a link to any host directory. Every entry is
/// lstat'ed; a symlink is counted and removed as itself and never followed, a directory on another device (a
/// mount point) is never entered, and the walk checks for cancellation at every directory, so a prune ends at
/// once when asked.</summary>
public static class TreeWalk
{
    /// <summary>The bytes of the regular files under <paramref name="path"/> (each inode once), not following links
    /// nor crossing into other filesystems. 0 when it is absent.</summary>
    public static long Size(string path, CancellationToken cancellationToken = default)
    {
        if (LayerNative.LStat(path) is not { } top)
        {
            return 0;
        }

        if (!top.IsDirectory)
        {
            return top.IsRegular ? top.Size : 0;
        }

        long total = 0;
        var seen = new HashSet<ulong>();
        var pending = new Stack<string>();
        pending.Push(path);
        while (pending.TryPop(out var dir))
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var entry in Entries(dir))
            {
                if (LayerNative.LStat(entry) is not { } stat)
                {
                    continue;
                }

                if (stat.IsDirectory)
                {
                    if (SameDevice(stat, top))
                    {
                        pending.Push(entry);
                    }
                }
                else if (stat.IsRegular && (stat.Nlink <= 1 || seen.Add(stat.Inode)))
                {
                    total += stat.Size;
                }
            }
        }

        return total;
    }

    /// <summary>Removes <paramref name="path"/> and everything under it without following a link: a symlink is
    /// unlinked, never its target. A mount point below it stops the removal with an error rather than removing
    /// what the mounted filesystem holds. Absent is fine.</summary>
    public static void Delete(string path, CancellationToken cancellationToken = default)
    {
        if (LayerNative.LStat(path) is not { } top)
        {
            return;
        }

        if (!top.IsDirectory)
        {
            File.Delete(path);
            return;
        }

        // Depth first: a directory is removed once its entries are, and only then.
        var pending = new Stack<(string Dir, bool Emptied)>();
        pending.Push((path, false));
        while (pending.TryPop(out var item))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (item.Emptied)
            {
                Directory.Delete(item.Dir, recursive: false);
                continue;
            }

            pending.Push((item.Dir, true));
            foreach (var entry in Entries(item.Dir))
            {
                if (LayerNative.LStat(entry) is not { } stat)
                {
                    continue;
                }

                if (!stat.IsDirectory)
                {
                    File.Delete(entry);
                }
                else if (SameDevice(stat, top))
                {
                    pending.Push((entry, false));
                }
                else
                {
                    throw new IOException($"refusing to remove {path}: {entry} is a mount point");
                }
            }
        }
    }

    /// <summary>Removes everything in the directory <paramref name="dir"/> as <see cref="Delete"/> does, keeping the
    /// directory itself: a writer that made sure the directory exists can still put a file in it while this runs
    /// (removing the directory then fails, not empty). A link is unlinked, not emptied; absent is fine.</summary>
    public static void DeleteContents(string dir, CancellationToken cancellationToken = default)
    {
        if (LayerNative.LStat(dir) is not { IsDirectory: true })
        {
            Delete(dir, cancellationToken);
            return;
        }

        foreach (var entry in Entries(dir))
        {
            Delete(entry, cancellationToken);
        }
    }

    private static bool SameDevice(FileStat a, FileStat b) => a.DevMajor == b.DevMajor && a.DevMinor == b.DevMinor;

    /// <summary>A directory's entries as paths. Listing reads names only; it follows nothing.</summary>
    private static List<string> Entries(string dir)
    {
        try
        {
            return [.. Directory.EnumerateFileSystemEntries(dir)];
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or IOException)
        {
            // Gone meanwhile, or replaced by something that is not a directory.
            return [];
        }
    }
}
