using Slipway.Build.Engine;
using Slipway.Build.Git;
using Slipway.Dockerfile.Instructions;

namespace Slipway.Build.Ops;

/// <summary>The sources of one COPY or ADD after expansion, by kind, as BuildKit's dispatchCopy tells them apart:
/// a git repository (<see cref="GitRef"/>: <c>https://…/x.git</c>, <c>git@host:x</c>, <c>ssh://</c>, <c>git://</c>),
/// else a URL to download, else a path (in the context, a stage or an image). Only ADD takes the first two, and
/// <c>--checksum</c> only for one of them; the errors are BuildKit's.</summary>
internal sealed record CopySourceKinds(IReadOnlyList<GitRef> Git, IReadOnlyList<string> Urls, IReadOnlyList<string> Paths)
{
    public static CopySourceKinds Of(IReadOnlyList<string> expanded, AddInstruction? add, string? checksum)
    {
        if (!string.IsNullOrEmpty(checksum) && expanded.Count != 1)
        {
            throw new BuildException("checksum can't be specified for multiple sources");
        }

        var git = new List<GitRef>();
        var urls = new List<string>();
        var paths = new List<string>();
        foreach (var source in expanded)
        {
            if (GitRef.Parse(source) is { IndistinguishableFromLocal: false } repository)
            {
                git.Add(add is null ? throw new BuildException("source can't be a git ref for COPY") : repository.WithFlags(add.KeepGitDir, checksum));
            }
            else if (AddSources.IsUrl(source))
            {
                urls.Add(add is null ? throw new BuildException("source can't be a URL for COPY") : source);
            }
            else
            {
                paths.Add(source);
            }
        }

        if (!string.IsNullOrEmpty(checksum) && paths.Count > 0)
        {
            throw new BuildException("checksum requires HTTP(S) or Git sources");
        }

        return new CopySourceKinds(git, urls, paths);
    }
}
