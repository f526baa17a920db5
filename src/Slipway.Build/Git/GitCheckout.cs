using Slipway.Build.Engine;
using Slipway.Store.Layers;

namespace Slipway.Build.Git;

/// <summary>One fetch and checkout of a resolved git source, as BuildKit's git source does it: a bare repository
/// fetched shallow (<c>--depth=1</c>, or whole when the server cannot), the commit checked out into a work tree
/// without <c>.git</c>, or with keep-git-dir a fresh clone of it whose origin is the remote without credentials;
/// submodules updated unless <c>submodules=false</c>; the subdir resolved inside; with <c>mtime=commit</c> every
/// entry given the commit's time (otherwise files keep the time of the checkout, as in BuildKit).</summary>
internal sealed class GitCheckout(GitCli git, GitRef source, GitRevision revision)
{
    /// <summary>Checks out into <paramref name="dir"/> (made here) and returns the directory to copy.</summary>
    public async Task<string> RunAsync(string dir, CancellationToken cancellationToken)
    {
        var repo = Path.Join(dir, "repo");
        var tree = Path.Join(dir, "tree");
        Directory.CreateDirectory(tree);
        var sha256 = revision.Commit.Length == 64;
        await git.RunAsync(["-c", "init.defaultBranch=master", "init", "--bare", "--quiet", .. Format(sha256), repo], cancellationToken).ConfigureAwait(false);
        var bare = git.At(repo);
        await bare.RunAsync(cancellationToken, "remote", "add", "origin", source.Remote).ConfigureAwait(false);
        await FetchAsync(bare, cancellationToken).ConfigureAwait(false);

        // The ref in the bare repository: fetch-by-commit does not write the named ref there.
        var refOrCommit = source.FetchByCommit ? revision.Commit : revision.Ref;
        var wholeRepository = GitSubdir.Components(source.SubDir).Count == 0 && !GitSubdir.Climbs(source.SubDir);
        string gitDir;
        if (source.KeepGitDir == true && wholeRepository)
        {
            gitDir = Path.Join(tree, ".git");
            await CloneWithGitDirAsync(bare, git.At(gitDir, tree), refOrCommit, sha256, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            gitDir = repo;
            await git.At(repo, tree).RunAsync(cancellationToken, "checkout", "--no-overlay", refOrCommit, "--", ".").ConfigureAwait(false);
        }

        if (source.Submodules != false && File.Exists(Path.Join(tree, ".gitmodules")))
        {
            await GitSources.Remote(git.At(gitDir, tree), source.Remote, "failed to update submodules for", cancellationToken,
                "submodule", "update", "--init", "--recursive", "--depth=1").ConfigureAwait(false);
        }

        var result = GitSubdir.Resolve(tree, source.SubDir);
        if (source.MTime == "commit")
        {
            var seconds = (await git.At(gitDir).RunAsync(cancellationToken, "log", "-1", "--format=%ct", refOrCommit + "^{commit}").ConfigureAwait(false)).Trim();
            SetTimes(result, DateTimeOffset.FromUnixTimeSeconds(long.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)));
        }

        return result;
    }

    private static string[] Format(bool sha256) => sha256 ? ["--object-format=sha256"] : [];

    private async Task FetchAsync(GitCli bare, CancellationToken cancellationToken)
    {
        var fetchRef = source.FetchByCommit ? revision.Commit : revision.Ref;
        if (GitRef.IsCommitSha(fetchRef))
        {
            // A commit: shallow when trusted (fetch-by-commit), otherwise with the tags and history so that a server
            // that will not serve an unadvertised commit can still be fetched whole (the retry drops the commit).
            string[] args = source.FetchByCommit ? ["fetch", "--depth=1", "--no-tags", "origin", fetchRef] : ["fetch", "--tags", "origin", fetchRef];
            await GitSources.Remote(bare, source.Remote, "failed to fetch remote", cancellationToken, args).ConfigureAwait(false);
            await RequireAsync(bare, revision.Commit, cancellationToken).ConfigureAwait(false);
            return;
        }

        await GitSources.Remote(bare, source.Remote, "failed to fetch remote", cancellationToken,
            "fetch", "--depth=1", "--no-tags", "origin", "--force", "--", $"{fetchRef}:{fetchRef}").ConfigureAwait(false);
        var fetched = (await bare.RunAsync(cancellationToken, "rev-parse", fetchRef).ConfigureAwait(false)).Trim();
        if (fetched == revision.Commit)
        {
            return;
        }

        // The remote moved since ls-remote: the key names the commit it gave, so that commit is what is checked out.
        if (!await HasAsync(bare, revision.Commit, cancellationToken).ConfigureAwait(false))
        {
            await GitSources.Remote(bare, source.Remote, "failed to fetch remote", cancellationToken, "fetch", "--tags", "origin", revision.Commit).ConfigureAwait(false);
        }

        await RequireAsync(bare, revision.Commit, cancellationToken, fetchRef).ConfigureAwait(false);
        await bare.RunAsync(cancellationToken, "update-ref", fetchRef, revision.Commit, "--no-deref").ConfigureAwait(false);
    }

    private async Task RequireAsync(GitCli bare, string commit, CancellationToken cancellationToken, string? fetchedRef = null)
    {
        if (!await HasAsync(bare, commit, cancellationToken).ConfigureAwait(false))
        {
            throw new BuildException($"fetched ref {fetchedRef ?? source.Ref} does not match expected commit {commit} and commit can not be found in the repository");
        }
    }

    private static async Task<bool> HasAsync(GitCli bare, string commit, CancellationToken cancellationToken)
    {
        try
        {
            await bare.RunAsync(cancellationToken, "cat-file", "-e", commit).ConfigureAwait(false);
            return true;
        }
        catch (BuildException)
        {
            return false;
        }
    }

    /// <summary>keep-git-dir: a clone of the one commit from the bare repository (over file://, which turns off
    /// the local-clone shortcuts), checked out, its origin set to the remote without credentials, no reflog and no
    /// FETCH_HEAD left behind.</summary>
    private async Task CloneWithGitDirAsync(GitCli bare, GitCli checkout, string refOrCommit, bool sha256, CancellationToken cancellationToken)
    {
        await checkout.RunAsync(["-c", "init.defaultBranch=master", "init", "--quiet", .. Format(sha256)], cancellationToken).ConfigureAwait(false);
        await checkout.RunAsync(cancellationToken, "remote", "add", "origin", "file://" + bare.GitDir).ConfigureAwait(false);
        var type = (await bare.RunAsync(cancellationToken, "cat-file", "-t", refOrCommit).ConfigureAwait(false)).Trim();
        string pullRef;
        if (type == "tag")
        {
            pullRef = refOrCommit + ":" + (refOrCommit.StartsWith("refs/tags/", StringComparison.Ordinal) ? refOrCommit : "refs/tags/" + refOrCommit);
        }
        else if (source.FetchByCommit && revision.Ref != refOrCommit)
        {
            pullRef = refOrCommit + ":" + revision.Ref;
        }
        else if (GitRef.IsCommitSha(refOrCommit))
        {
            pullRef = "refs/slipway/" + Guid.NewGuid().ToString("N");
            await bare.RunAsync(cancellationToken, "update-ref", pullRef, refOrCommit).ConfigureAwait(false);
        }
        else
        {
            pullRef = refOrCommit + ":" + refOrCommit;
        }

        await checkout.RunAsync(cancellationToken, "fetch", "-u", "--depth=1", "--", "origin", pullRef).ConfigureAwait(false);
        await checkout.RunAsync(cancellationToken, "checkout", "--quiet", "FETCH_HEAD").ConfigureAwait(false);
        await checkout.RunAsync(cancellationToken, "remote", "set-url", "origin", AddSources.Redact(source.Remote)).ConfigureAwait(false);
        await checkout.RunAsync(cancellationToken, "reflog", "expire", "--all", "--expire=now").ConfigureAwait(false);
        File.Delete(Path.Join(checkout.GitDir!, "FETCH_HEAD"));
    }

    /// <summary>Every entry under <paramref name="root"/> (not what a symlink points to) gets <paramref name="time"/>,
    /// directories last so that setting their children does not change them again.</summary>
    private static void SetTimes(string root, DateTimeOffset time)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(root))
        {
            if (LayerNative.LStat(entry) is { IsDirectory: true, IsSymlink: false })
            {
                SetTimes(entry, time);
            }
            else
            {
                LayerNative.SetTimes(entry, time, time);
            }
        }

        LayerNative.SetTimes(root, time, time);
    }
}
