using Slipway.Store;

namespace Slipway.Build.Hygiene;

/// <summary>Prune's two-phase removal: under the store lock a tree is only renamed to <c>.trash-&lt;random&gt;</c>
/// beside itself (cheap, atomic); measuring and removing it happen after the lock is released, and the next prune
/// empties trash a stopped one left.</summary>
internal static class Trash
{
    public const string Prefix = ".trash-";

    public static string Move(string path)
    {
        var trash = Path.Join(Path.GetDirectoryName(path), Prefix + Guid.NewGuid().ToString("N"));
        // rename(2) moves a link as itself: a planted symlink is trashed, never what it points at.
        if (Store.Layers.LayerNative.LStat(path) is { IsDirectory: true })
        {
            Directory.Move(path, trash);
        }
        else
        {
            File.Move(path, trash);
        }

        return trash;
    }

    public static List<string> Leftover(string dir) =>
        Directory.Exists(dir)
            ? Directory.EnumerateFileSystemEntries(dir, Prefix + "*").ToList()
            : [];

    /// <summary>Measures and removes trashed trees, never following a link out of them.</summary>
    public static (int Count, long Bytes) Empty(List<string> trash, CancellationToken cancellationToken)
    {
        long bytes = 0;
        foreach (var path in trash)
        {
            bytes += TreeWalk.Size(path, cancellationToken);
            TreeWalk.Delete(path, cancellationToken);
        }

        return (trash.Count, bytes);
    }
}
