namespace Slipway.Testing;

/// <summary>What a directory holds, for asserting exactly which files a step wrote.</summary>
public static class FileTree
{
    /// <summary>Every entry under <paramref name="dir"/>, relative, in ordinal order, without going through symlinks.</summary>
    public static List<string> Entries(string dir)
    {
        var found = new List<string>();
        void Walk(string at)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(at))
            {
                found.Add(Path.GetRelativePath(dir, entry));
                if (new FileInfo(entry).LinkTarget is null && Directory.Exists(entry))
                {
                    Walk(entry);
                }
            }
        }

        Walk(dir);
        return [.. found.Order(StringComparer.Ordinal)];
    }
}
