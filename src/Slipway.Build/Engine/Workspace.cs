using Slipway.Store;
using Slipway.Store.Snapshots;

namespace Slipway.Build.Engine;

/// <summary>A step's scratch directory under the store's <c>tmp/</c>: its snapshots, its container's bundle, its
/// mount sources. Removed (after unmounting) when disposed. <c>&lt;dir&gt;.lock</c> is held (flock) for the
/// workspace's life: a prune reclaims the mounts, the container and the files of a workspace whose lock it can
/// take, i.e. one a killed process left, and leaves a live one alone.</summary>
public sealed class Workspace : IDisposable
{
    private readonly StoreLock _owner;
    private int _names;

    public Workspace(StoreLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        Dir = layout.NewTmpPath();
        Directory.CreateDirectory(layout.Tmp);
        _owner = StoreLock.CreateHeld(LockPath(Dir));
        Directory.CreateDirectory(Bundle);
    }

    public string Dir { get; }

    /// <summary>The container's bundle (config.json) and the files it binds (hosts, resolv.conf).</summary>
    public string Bundle => Path.Join(Dir, "bundle");

    /// <summary>A new path inside the workspace, not yet created: for a snapshot's directory or a mount's source.</summary>
    public string NewPath(string name) => Path.Join(Dir, name + "-" + Interlocked.Increment(ref _names).ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The OCI runtime's id for the one container this workspace runs: named after the workspace, so a
    /// prune can tell whose it is.</summary>
    public string ContainerId => ContainerPrefix + Path.GetFileName(Dir);

    public const string ContainerPrefix = "slipway-";

    /// <summary>The lock a live workspace holds.</summary>
    public static string LockPath(string dir) => dir + ".lock";

    /// <summary>Snapshots the step's mounts show (a stage or an image bound into a RUN); removed when the step ends.</summary>
    public List<ISnapshotView> Snapshots { get; } = [];

    /// <summary>Other mounts made under <see cref="Dir"/> for this step (tmpfs for secrets); unmounted, last first,
    /// before the directory is removed.</summary>
    public List<string> ExtraMounts { get; } = [];

    /// <summary>Locks held for this step (a <c>sharing=locked</c> cache); released when the step ends.</summary>
    public List<IDisposable> Locks { get; } = [];

    public void Dispose()
    {
        foreach (var held in Locks)
        {
            held.Dispose();
        }

        for (var i = Snapshots.Count - 1; i >= 0; i--)
        {
            Snapshots[i].Dispose();
        }

        for (var i = ExtraMounts.Count - 1; i >= 0; i--)
        {
            OverlayMount.Unmount(ExtraMounts[i]);
        }

        if (Directory.Exists(Dir))
        {
            TreeWalk.Delete(Dir);
        }

        File.Delete(LockPath(Dir));
        _owner.Dispose();
    }
}
