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

    /// <summary>Creates the layout. The root is made owner-only (0700): blobs may hold secrets of private images.</summary>
    public void Create()
    {
        CreateOwnerOnly(Root);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Root, OwnerOnly);
        }

        foreach (var dir in new[] { Blobs, BlobFolder("sha256"), Ingest, Leases, Snapshots })
        {
            CreateOwnerOnly(dir);
        }
    }

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
