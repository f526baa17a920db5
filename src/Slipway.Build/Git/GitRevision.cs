namespace Slipway.Build.Git;

/// <summary>What a git source resolved to before anything is fetched: the full ref the remote has
/// (<c>refs/heads/main</c>, <c>refs/tags/v1</c>, or the commit itself), the object it points to, and for an
/// annotated tag the commit the tag points to.</summary>
public sealed record GitRevision(string Ref, string Commit, string? PeeledCommit = null)
{
    /// <summary>What the cache key holds for this source, as BuildKit's <c>shaToCacheKey</c>: the commit (the tag's
    /// commit for an annotated tag unless the .git directory is kept), then what else changes the files.</summary>
    public string CacheKey(GitRef source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var keep = source.KeepGitDir == true;
        var key = !keep && PeeledCommit is { } peeled ? peeled : Commit;
        if (keep)
        {
            key += ".git" + (Ref.Length > 0 ? "#" + Ref : "");
        }

        if (source.SubDir.Length > 0)
        {
            key += ":" + source.SubDir;
        }

        if (source.Submodules == false)
        {
            key += "(skip-submodules)";
        }

        if (source.MTime is { Length: > 0 } mtime && mtime != "checkout")
        {
            key += "(mtime=" + mtime + ")";
        }

        return key;
    }
}
