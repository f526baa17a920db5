using Slipway.Store.Layers;

namespace Slipway.Store.Snapshots;

/// <summary>What changed between a tree and the pristine copy it started as, in the form an overlayfs upper dir
/// would have it, so that both snapshotters commit the same layer: an added or changed entry (type, mode, owner,
/// xattrs, size, mtime, link target, device) is there with its parent directories, a removed one is a <c>.wh.NAME</c>
/// file, and a directory none of whose old entries survive is marked opaque (<c>.wh..wh..opq</c>) instead of
/// listing each. A directory's own mtime is not compared (writing inside it changes it); its other metadata is.
/// Changed files are hard links to the tree's, so files linked together stay so in the layer.</summary>
internal static class TreeDiff
{
    public static bool HasChanges(string baseDir, string tree) => Compare(baseDir, tree, null, CancellationToken.None);

    /// <summary>Writes the changes into <paramref name="changes"/> (an empty directory on the tree's filesystem).</summary>
    public static void Write(string baseDir, string tree, string changes, CancellationToken cancellationToken) =>
        Compare(baseDir, tree, changes, cancellationToken);

    /// <summary>Compares two directories' entries; with <paramref name="changes"/> null, stops at the first difference.</summary>
    private static bool Compare(string baseDir, string treeDir, string? changes, CancellationToken cancellationToken)
    {
        var before = Names(baseDir);
        var after = Names(treeDir);
        var changed = false;
        var opaque = before.Count > 0 && !before.Overlaps(after);
        foreach (var name in after.Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var treePath = Path.Join(treeDir, name);
            var basePath = Path.Join(baseDir, name);
            var now = LayerNative.LStat(treePath);
            var then = opaque ? null : LayerNative.LStat(basePath);
            if (now is not { } t)
            {
                continue; // vanished since listing
            }

            bool entryChanged;
            if (then is not { } b || b.Type != t.Type)
            {
                entryChanged = true;
                if (changes is not null)
                {
                    CopyAdded(treePath, Path.Join(changes, name), t);
                }
            }
            else if (t.IsDirectory)
            {
                var target = changes is null ? null : Path.Join(changes, name);
                if (target is not null)
                {
                    Directory.CreateDirectory(target);
                }

                entryChanged = Compare(basePath, treePath, target, cancellationToken) || !SameMetadata(b, basePath, t, treePath);
                if (target is not null)
                {
                    if (entryChanged)
                    {
                        CopyDirectoryMetadata(treePath, target, t);
                    }
                    else
                    {
                        Directory.Delete(target);
                    }
                }
            }
            else
            {
                entryChanged = !SameMetadata(b, basePath, t, treePath) || b.Size != t.Size
                    || (b.MTimeSeconds, b.MTimeNanoseconds) != (t.MTimeSeconds, t.MTimeNanoseconds)
                    || (b.RdevMajor, b.RdevMinor) != (t.RdevMajor, t.RdevMinor)
                    || (t.IsSymlink && new FileInfo(basePath).LinkTarget != new FileInfo(treePath).LinkTarget);
                if (entryChanged && changes is not null)
                {
                    LayerNative.Link(treePath, Path.Join(changes, name));
                }
            }

            changed |= entryChanged;
            if (changed && changes is null)
            {
                return true;
            }
        }

        var removed = opaque ? [] : before.Where(name => !after.Contains(name)).Order(StringComparer.Ordinal).ToList();
        if (changes is not null)
        {
            foreach (var marker in opaque ? [Whiteouts.OpaqueMarker] : removed.Select(name => Whiteouts.Prefix + name))
            {
                // Readable by its owner: the layer writer opens it like any file (a whiteout's own mode means nothing).
                using (LayerNative.CreateNewFile(Path.Join(changes, marker), UnixFileMode.UserRead))
                {
                }
            }
        }

        return changed || opaque || removed.Count > 0;
    }

    private static HashSet<string> Names(string dir) =>
        [.. Directory.EnumerateFileSystemEntries(dir).Select(p => p[(p.LastIndexOf('/') + 1)..])];

    /// <summary>Type, permissions, owner and extended attributes.</summary>
    private static bool SameMetadata(FileStat a, string aPath, FileStat b, string bPath) =>
        a.Mode == b.Mode && a.Uid == b.Uid && a.Gid == b.Gid && Xattrs(aPath).SequenceEqual(Xattrs(bPath));

    private static IEnumerable<(string Name, string Value)> Xattrs(string path) =>
        LayerNative.ListXattrs(path).Order(StringComparer.Ordinal)
            .Select(name => (name, Convert.ToBase64String(LayerNative.GetXattr(path, name) ?? [])));

    /// <summary>An entry the base did not have (or had as another type): all of it.</summary>
    private static void CopyAdded(string source, string target, FileStat stat)
    {
        if (!stat.IsDirectory)
        {
            LayerNative.Link(source, target);
            return;
        }

        Directory.CreateDirectory(target);
        foreach (var name in Names(source))
        {
            var child = Path.Join(source, name);
            if (LayerNative.LStat(child) is { } childStat)
            {
                CopyAdded(child, Path.Join(target, name), childStat);
            }
        }

        CopyDirectoryMetadata(source, target, stat);
    }

    /// <summary>A directory of the changes gets its tree counterpart's metadata, its mtime last (after its entries
    /// were made in it).</summary>
    private static void CopyDirectoryMetadata(string source, string target, FileStat stat)
    {
        if (LayerNative.IsRoot)
        {
            LayerNative.LChown(target, (int)stat.Uid, (int)stat.Gid);
        }

        File.SetUnixFileMode(target, (UnixFileMode)(stat.Mode & 0xFFF));
        foreach (var name in LayerNative.ListXattrs(source))
        {
            if (LayerNative.GetXattr(source, name) is { } value)
            {
                // Best effort: a name this process may not set (trusted.*, unprivileged) is left out.
                _ = LayerNative.TrySetXattr(target, name, value);
            }
        }

        LayerNative.SetTimes(target, stat.ModificationTime, stat.ModificationTime);
    }
}
