using Slipway.Store.Layers;

namespace Slipway.Store;

/// <summary>Where things live under a store root. See docs/store.md.
/// <code>
/// root/            0700
///   lock           flock'd exclusively for ref and GC mutations
///   blobs/sha256/  one file per blob, named by its hex digest; only complete, verified content
///   ingest/        temp files of writes in progress (random names); stale ones are removed by GC
///   refs.json      name → descriptor, replaced atomically
///   leases/        &lt;id&gt;.lock (held by the owner) + &lt;id&gt;.json (digests it protects)
///   snapshots/     unpacked layers (owned by the snapshotter)
/// </code></summary>
public sealed class StoreLayout
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public StoreLayout(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string LockFile => Path.Join(Root, "lock");

    public string Blobs => Path.Join(Root, "blobs");

    public string Ingest => Path.Join(Root, "ingest");

    public string RefsFile => Path.Join(Root, "refs.json");

    public string Leases => Path.Join(Root, "leases");

    public string Snapshots => Path.Join(Root, "snapshots");

    /// <summary>The unpacked tree inside <c>snapshots/&lt;diffID hex&gt;/</c>, the overlayfs lowerdir.</summary>
    public const string SnapshotTree = "fs";

    /// <summary>Beside <see cref="SnapshotTree"/>: the diffID the tree's content was checked against when it was made,
    /// written before the tree is renamed into place, so a tree without it predates verification.</summary>
    public const string SnapshotVerifiedFile = "verified";

    /// <summary>The folder of one digest algorithm. The algorithm comes from a validated <see cref="Oci.Digest"/>.</summary>
    public string BlobFolder(string algorithm) => Path.Join(Blobs, algorithm);

    /// <summary>The path of a blob. A <see cref="Oci.Digest"/> is validated on construction, so its hex can never
    /// hold a separator or <c>..</c>.</summary>
    public string BlobPath(Oci.Digest digest) => Path.Join(Blobs, digest.Algorithm, digest.Hex);

    /// <summary>The layout's own entries: a symlink or an entry of another kind in their place is refused on open,
    /// or a prune would remove what it points at.</summary>
    private IEnumerable<(string Path, bool Directory)> Entries() =>
    [
        (Blobs, true), (BlobFolder("sha256"), true), (Ingest, true), (Leases, true), (Snapshots, true),
        (Path.Join(Root, "cache"), true), (Path.Join(Root, "cache-mounts"), true), (Path.Join(Root, "runtime"), true),
        (Path.Join(Root, "tmp"), true), (RefsFile, false), (LockFile, false), (Path.Join(Root, "config.json"), false),
    ];

    /// <summary>Creates the layout, after checking that what is there can be trusted. The root is made owner-only
    /// (0700): blobs may hold secrets of private images.</summary>
    public void Create()
    {
        CreateOwnerOnly(Root);
        if (!OperatingSystem.IsWindows())
        {
            Verify();
            File.SetUnixFileMode(Root, OwnerOnly);
        }

        foreach (var dir in new[] { Blobs, BlobFolder("sha256"), Ingest, Leases, Snapshots })
        {
            CreateOwnerOnly(dir);
        }
    }

    /// <summary>Refuses a root another user owns or could write (they could plant content or links that a build
    /// trusts or a prune follows), and layout entries that are symbolic links or not what they should be.</summary>
    private void Verify()
    {
        var root = LayerNative.LStat(Root) ?? throw new UnsafeStoreException($"the store root {Root} does not exist");
        var rootPath = Root;
        if (root.IsSymlink)
        {
            // An administrator may point the root elsewhere (/var/lib/slipway -> /data/slipway); what it points at
            // is what must be ours.
            rootPath = Directory.ResolveLinkTarget(Root, returnFinalTarget: true)?.FullName ?? Root;
            root = LayerNative.LStat(rootPath) ?? throw new UnsafeStoreException($"the store root {Root} points at {rootPath}, which does not exist");
        }

        var me = LayerNative.EffectiveUserId;
        if (!root.IsDirectory)
        {
            throw new UnsafeStoreException($"the store root {rootPath} is not a directory");
        }

        if (root.Uid != me)
        {
            throw new UnsafeStoreException($"the store root {rootPath} is owned by uid {root.Uid}, not by you (uid {me}): another user could "
                + $"plant content or links in it. Use a root of your own (--root or SLIPWAY_ROOT), or, if it is yours, run: chown -R {me} {rootPath}");
        }

        if ((root.Mode & GroupOrOtherWrite) != 0)
        {
            throw new UnsafeStoreException($"the store root {rootPath} can be written by group or others (mode {Convert.ToString(root.Mode & 0xFFF, 8)}): "
                + $"they could plant content or links in it. Run: chmod 700 {rootPath}");
        }

        foreach (var (path, directory) in Entries())
        {
            if (LayerNative.LStat(path) is not { } entry)
            {
                continue;
            }

            if (entry.IsSymlink)
            {
                throw new UnsafeStoreException($"{path} is a symbolic link; the store's layout must be real directories and files "
                    + "(someone may have tampered with the store). Remove the link and run again.");
            }

            if (entry.IsDirectory != directory || entry.Uid != me)
            {
                throw new UnsafeStoreException(entry.Uid != me
                    ? $"{path} is owned by uid {entry.Uid}, not by you (uid {me}); the store's layout must be yours"
                    : $"{path} should be a {(directory ? "directory" : "regular file")}; the store's layout is damaged or was tampered with");
            }
        }
    }

    private const uint GroupOrOtherWrite = 0x12; // S_IWGRP | S_IWOTH

    private static void CreateOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnly);
        }
    }
}

/// <summary>A store root or layout that cannot be trusted; the message says what to do.</summary>
public sealed class UnsafeStoreException(string message) : StoreException(message)
{
    public const string ErrorCode = "store.unsafe";

    public override string Code => ErrorCode;
}
