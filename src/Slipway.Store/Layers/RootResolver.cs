using System.Runtime.Versioning;

namespace Slipway.Store.Layers;

/// <summary>Resolves a path inside a root directory the way openat2(RESOLVE_IN_ROOT) does: one component at
/// a time; a symlink is resolved against the root (absolute targets are re-rooted, <c>..</c> stops at the
/// root); at most <see cref="MaxSymlinks"/> links per resolution. Nothing is cached between calls, because
/// a later tar entry can replace a directory with a symlink.</summary>
[SupportedOSPlatform("linux")]
public sealed class RootResolver
{
    public const int MaxSymlinks = 255;

    public RootResolver(string root)
    {
        Root = Path.GetFullPath(root).TrimEnd('/');
        if (Root.Length == 0)
        {
            throw new ArgumentException("the host root '/' is not a valid extraction root", nameof(root));
        }
    }

    /// <summary>The root as an absolute host path without a trailing slash.</summary>
    public string Root { get; }

    /// <summary>Cleans an archive name lexically to components inside the root, as containerd does with
    /// <c>filepath.Clean</c>: leading <c>/</c> and <c>..</c> that would climb above the root are dropped.
    /// An empty list means the root itself.</summary>
    public static List<string> Clean(string name)
    {
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        return parts;
    }

    /// <summary>Resolves every component of <paramref name="components"/>, following symlinks inside the
    /// root. With <paramref name="followFinal"/> false the last component is taken as it is (a write replaces
    /// a symlink there instead of writing through it). Returns the host path, always under <see cref="Root"/>.
    /// Components that do not exist are kept lexically.</summary>
    public string Resolve(IReadOnlyList<string> components, bool followFinal)
    {
        if (!followFinal && components.Count > 0)
        {
            // Cleaned components hold no "." or "..", so the final name can be appended as it is.
            var parent = ResolveAll(components.Take(components.Count - 1), components);
            return parent + "/" + components[^1];
        }

        return ResolveAll(components, components);
    }

    private string ResolveAll(IEnumerable<string> components, IReadOnlyList<string> forError)
    {
        var resolved = new List<string>();
        var links = 0;
        Walk(resolved, components, forError, ref links);
        return Join(resolved, null);
    }

    /// <summary>Resolves <paramref name="components"/> on top of <paramref name="resolved"/> (real directories
    /// only, every link already expanded), following links inside the root. Returns what lstat said about the
    /// last component added, or null when that is not known (a trailing <c>..</c>, or nothing was added).</summary>
    private FileStat? Walk(List<string> resolved, IEnumerable<string> components, IReadOnlyList<string> forError,
        ref int links)
    {
        var pending = new Stack<string>(components.Reverse());
        FileStat? last = null;
        var known = false;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                // Everything in `resolved` is a real directory (links were expanded), so `..` is lexical here.
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                known = false;
                continue;
            }

            var candidate = Join(resolved, part);
            var stat = LayerNative.LStat(candidate);
            if (stat is not { IsSymlink: true })
            {
                resolved.Add(part);
                last = stat;
                known = true;
                continue;
            }

            if (++links > MaxSymlinks)
            {
                throw new LayerExtractionException(
                    $"too many levels of symbolic links (more than {MaxSymlinks}) resolving '{string.Join('/', forError)}'");
            }

            var target = new FileInfo(candidate).LinkTarget ?? string.Empty;
            if (target.StartsWith('/'))
            {
                resolved.Clear(); // absolute targets are re-rooted at the root
            }

            var targetParts = target.Split('/');
            for (var i = targetParts.Length - 1; i >= 0; i--)
            {
                pending.Push(targetParts[i]);
            }

            known = false;
        }

        return known ? last : null;
    }

    /// <summary>Resolves the parent of <paramref name="components"/> (following links inside the root) and
    /// creates missing directories one at a time, each resolved again. Returns the parent's host path.
    /// One pass from the root: each component is resolved on top of the real directories before it, so a
    /// path of depth d costs about d lstat calls, not d²; nothing is kept from one call to the next.</summary>
    public string EnsureParent(IReadOnlyList<string> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        var resolved = new List<string>();
        var links = 0;
        for (var i = 0; i < components.Count - 1; i++)
        {
            var stat = Walk(resolved, [components[i]], components, ref links);
            var path = Join(resolved, null);
            if (stat is null && resolved.Count > 0)
            {
                stat = LayerNative.LStat(path); // the walk ended on `..`: look again
            }

            if (resolved.Count == 0)
            {
                continue; // climbed back to the root, which is a directory
            }

            if (stat is null)
            {
                // A link to a path that does not exist yet leaves several missing directories in a row; each one
                // is a plain name under a real directory (links were expanded), so they are made in one go.
                Directory.CreateDirectory(path, DirectoryMode);
            }
            else if (!stat.Value.IsDirectory)
            {
                throw new LayerExtractionException(
                    $"'{string.Join('/', components.Take(i + 1))}' is not a directory, so '{string.Join('/', components)}' cannot be created under it");
            }
        }

        return Join(resolved, null);
    }

    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite |
        UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private string Join(List<string> parts, string? next)
    {
        var sb = new System.Text.StringBuilder(Root);
        foreach (var p in parts)
        {
            sb.Append('/').Append(p);
        }

        if (next is not null)
        {
            sb.Append('/').Append(next);
        }

        return sb.ToString();
    }
}
