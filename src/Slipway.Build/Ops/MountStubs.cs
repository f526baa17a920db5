using Slipway.Store.Layers;

namespace Slipway.Build.Ops;

/// <summary>The mount points runc makes in a rootfs that lacks them: found before a RUN, pruned from the rootfs
/// after, so that no mount stub reaches the layer.</summary>
public static class MountStubs
{
    /// <summary>The top-most missing component of each mount target.</summary>
    public static List<string> Find(string rootfs, IEnumerable<string> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var stubs = new List<string>();
        foreach (var target in targets)
        {
            var path = "";
            foreach (var component in RootResolver.Clean(target))
            {
                path = path.Length == 0 ? component : path + "/" + component;
                if (LayerNative.LStat(Path.Join(rootfs, path)) is null)
                {
                    if (!stubs.Contains(path))
                    {
                        stubs.Add(path);
                    }

                    break;
                }
            }
        }

        return stubs;
    }

    /// <summary>Removes what runc made for mount points under <paramref name="rootfs"/>: empty files and directories
    /// holding nothing else.</summary>
    public static void Remove(string rootfs, IEnumerable<string> stubs)
    {
        ArgumentNullException.ThrowIfNull(stubs);
        foreach (var stub in stubs)
        {
            PruneEmpty(Path.Join(rootfs, stub));
        }
    }

    private static bool PruneEmpty(string path)
    {
        switch (LayerNative.LStat(path))
        {
            case { IsDirectory: true }:
                var empty = true;
                foreach (var child in Directory.EnumerateFileSystemEntries(path).ToList())
                {
                    empty &= PruneEmpty(child);
                }

                if (empty)
                {
                    Directory.Delete(path);
                }

                return empty;
            case { IsRegular: true, Size: 0 }:
                File.Delete(path);
                return true;
            case null:
                return true;
            default:
                return false;
        }
    }
}
