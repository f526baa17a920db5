using Slipway.Build.Engine;
using Slipway.Store.Layers;

namespace Slipway.Build.Git;

/// <summary>The <c>subdir</c> of a git source, found inside the checkout. As in BuildKit every component must be a
/// real directory of the repository (no file, no symlink, whatever it points to); unlike BuildKit, which cleans
/// <c>../x</c> to <c>x</c>, a subdir that climbs above the repository's root is refused by name, so it can never
/// quietly mean another directory.</summary>
public static class GitSubdir
{
    /// <summary>The components of <paramref name="subdir"/> after cleaning (<c>.</c> and empty ones dropped, <c>..</c>
    /// taking one back); a <c>..</c> above the root is dropped here — <see cref="Climbs"/> says whether there was one.</summary>
    public static List<string> Components(string subdir)
    {
        ArgumentNullException.ThrowIfNull(subdir);
        return RootResolver.Clean(subdir);
    }

    /// <summary>Whether a <c>..</c> of <paramref name="subdir"/> leads above the directory it starts in.</summary>
    public static bool Climbs(string subdir)
    {
        ArgumentNullException.ThrowIfNull(subdir);
        var depth = 0;
        foreach (var part in subdir.Split('/'))
        {
            depth += part switch { "" or "." => 0, ".." => -1, _ => 1 };
            if (depth < 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The host path of <paramref name="subdir"/> inside <paramref name="checkout"/>; the checkout itself
    /// when it is empty or <c>/</c>.</summary>
    public static string Resolve(string checkout, string subdir)
    {
        ArgumentNullException.ThrowIfNull(checkout);
        ArgumentNullException.ThrowIfNull(subdir);
        if (Climbs(subdir))
        {
            throw new BuildException($"invalid subdir {GitRef.Quote(subdir)}: it leads outside the repository");
        }

        var path = checkout;
        var walked = "";
        foreach (var part in Components(subdir))
        {
            path = Path.Join(path, part);
            walked = walked.Length == 0 ? part : walked + "/" + part;
            var stat = LayerNative.LStat(path)
                ?? throw new BuildException($"invalid subdir {GitRef.Quote(subdir)}: {GitRef.Quote(walked)} does not exist in the repository");
            if (stat.IsSymlink)
            {
                throw new BuildException($"invalid subdir {GitRef.Quote(subdir)}: {GitRef.Quote(walked)} is a symlink " +
                    $"(to {GitRef.Quote(new FileInfo(path).LinkTarget ?? "")}), not a directory of the repository");
            }

            if (!stat.IsDirectory)
            {
                throw new BuildException($"invalid subdir {GitRef.Quote(subdir)}: git subpath {GitRef.Quote(subdir)} contains non-directory {GitRef.Quote(walked)}");
            }
        }

        return path;
    }
}
