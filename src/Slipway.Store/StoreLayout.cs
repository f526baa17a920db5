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
///   snapshots/     unpacked layers (owned by the overlay snapshotter): &lt;diffID hex&gt;/fs and /verified
///   cache/         build cache records; steps/ (what each step was last built from), fingerprints/ (what
///                  COPY --from read from stages), context/ (content digests of context files)
///   cache-mounts/  RUN --mount=type=cache directories, one per hashed id
///   layer-sizes/   &lt;diffID hex&gt;: a layer's unpacked size, as docker shows it
///   runtime/       &lt;runtime&gt;/ the OCI runtime's state (its --root); pasta/ pid files of RUN networks
///   tmp/           scratch of running steps (&lt;id&gt;/ with &lt;id&gt;.lock held), ADD downloads
///   containers/    &lt;64-hex id&gt;/ one per container: config.json, state.json, container.log, supervisor.lock
///   config.json    the store's settings
/// </code>
/// Every path under the root is named here; nothing else joins a path onto <see cref="Root"/>.</summary>
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

    /// <summary>The store's settings (<see cref="StoreConfig"/>).</summary>
    public string ConfigFile => Path.Join(Root, "config.json");

    /// <summary>Build cache records, one <c>&lt;key hex&gt;.json</c> each.</summary>
    public string CacheRecords => Path.Join(Root, "cache");

    /// <summary>What each step was last built from, for explaining a cache miss.</summary>
    public string StepHistory => Path.Join(CacheRecords, "steps");

    /// <summary>Memos of what <c>COPY --from=&lt;stage&gt;</c> read from a stage.</summary>
    public string StageFingerprints => Path.Join(CacheRecords, "fingerprints");

    /// <summary>Content digests of context files, one index per context directory.</summary>
    public string ContextIndexes => Path.Join(CacheRecords, "context");

    /// <summary>The index of one context directory: named by a hash of its absolute path, so two projects never
    /// share entries and no context path becomes a path here.</summary>
    public string ContextIndexFile(string contextDir)
    {
        ArgumentNullException.ThrowIfNull(contextDir);
        var key = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(contextDir))));
        return Path.Join(ContextIndexes, key + ".idx");
    }

    /// <summary><c>RUN --mount=type=cache</c> directories.</summary>
    public string CacheMounts => Path.Join(Root, "cache-mounts");

    /// <summary>One cache mount's directory, named by the digest of its id (so an id can never name a path).</summary>
    public string CacheMount(Oci.Digest name) => Path.Join(CacheMounts, name.Hex);

    /// <summary>The OCI runtimes' state directories, one per runtime, and the RUN networks'.</summary>
    public string Runtimes => Path.Join(Root, "runtime");

    /// <summary>One OCI runtime's state (its <c>--root</c>), kept inside the store so that Slipway's containers never
    /// mix with another tool's.</summary>
    public string RuntimeState(string runtimeName)
    {
        ArgumentException.ThrowIfNullOrEmpty(runtimeName);
        if (runtimeName is "." or ".." || runtimeName.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"not a runtime name: {runtimeName}", nameof(runtimeName));
        }

        return Path.Join(Runtimes, runtimeName);
    }

    /// <summary>Pid files of the pasta processes serving running RUN steps.</summary>
    public string NetworkState => Path.Join(Runtimes, "pasta");

    /// <summary>The containers <c>slipway run</c> made, one directory each (docs/containers.md).</summary>
    public string Containers => Path.Join(Root, "containers");

    /// <summary>One container's directory. The id is checked to be 64 lowercase hex digits, so it can never name
    /// another path.</summary>
    public string ContainerDir(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!IsContainerId(id))
        {
            throw new ArgumentException($"not a container id: {id}", nameof(id));
        }

        return Path.Join(Containers, id);
    }

    /// <summary>Whether <paramref name="id"/> has the shape of a container id: 64 lowercase hex digits.</summary>
    public static bool IsContainerId(string? id) => id is { Length: 64 } && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>Scratch space of running steps and downloads; what a killed process left is reclaimed by prune.</summary>
    public string Tmp => Path.Join(Root, "tmp");

    /// <summary>A fresh, unused path under <see cref="Tmp"/> (not created), on the store's filesystem.</summary>
    public string NewTmpPath(string prefix = "") => Path.Join(Tmp, prefix + Guid.NewGuid().ToString("N"));

    /// <summary>The directory of one layer's snapshot: its tree and the record of its verification.</summary>
    public string SnapshotDir(Oci.Digest diffId) => Path.Join(Snapshots, diffId.Hex);

    /// <summary>The unpacked tree of a layer: an overlayfs lowerdir.</summary>
    public string SnapshotTreePath(Oci.Digest diffId) => Path.Join(SnapshotDir(diffId), SnapshotTree);

    /// <summary>The record that a snapshot's tree was checked against its diffID.</summary>
    public string SnapshotRecordPath(Oci.Digest diffId) => Path.Join(SnapshotDir(diffId), SnapshotVerifiedFile);

    /// <summary>The unpacked tree inside <c>snapshots/&lt;diffID hex&gt;/</c>, the overlayfs lowerdir.</summary>
    public const string SnapshotTree = "fs";

    /// <summary>Beside <see cref="SnapshotTree"/>: the diffID the tree's content was checked against when it was made,
    /// written before the tree is renamed into place, so a tree without it predates verification.</summary>
    public const string SnapshotVerifiedFile = "verified";

    /// <summary>Each layer's unpacked size, one file per diffID (<see cref="LayerSizes"/>).</summary>
    public string LayerSizes => Path.Join(Root, "layer-sizes");

    /// <summary>The record of one layer's unpacked size. A <see cref="Oci.Digest"/>'s hex never holds a separator.</summary>
    public string LayerSizeFile(Oci.Digest diffId) => Path.Join(LayerSizes, diffId.Hex);

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
        (CacheRecords, true), (CacheMounts, true), (LayerSizes, true), (Runtimes, true), (Tmp, true), (Containers, true), (RefsFile, false), (LockFile, false),
        (ConfigFile, false),
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
