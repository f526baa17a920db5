using System.Runtime.Versioning;

namespace Slipway.Store.Layers;

/// <summary>Removal that never follows a symlink: a link is unlinked, a real directory is emptied and removed.</summary>
[SupportedOSPlatform("linux")]
internal static class FileTree
{
    public static void RemoveTree(string path)
    {
        var stat = LayerNative.LStat(path);
        if (stat is null)
        {
            return;
        }

        if (!stat.Value.IsDirectory)
        {
            File.Delete(path); // unlink(2): removes a symlink itself
            return;
        }

        RemoveChildren(path, keep: null);
        Directory.Delete(path, recursive: false);
    }

    /// <summary>Removes every entry under the real directory <paramref name="directory"/> except the host
    /// paths in <paramref name="keep"/> (which holds what this layer wrote and their parents); a kept
    /// directory is searched in turn, as containerd's opaque-directory walk does.</summary>
    public static void RemoveChildren(string directory, ISet<string>? keep)
    {
        foreach (var child in Directory.EnumerateFileSystemEntries(directory).ToList())
        {
            if (keep is not null && keep.Contains(child))
            {
                if (LayerNative.LStat(child) is { IsDirectory: true })
                {
                    RemoveChildren(child, keep);
                }

                continue;
            }

            RemoveTree(child);
        }
    }
}
