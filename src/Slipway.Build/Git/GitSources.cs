using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Slipway.Build.Engine;

namespace Slipway.Build.Git;

/// <summary>The git repositories one build adds. A source is first resolved with <c>git ls-remote</c> (no fetch) to
/// the commit its ref names, which goes into the step's cache key, so an unchanged remote is a cache hit; only a
/// step that runs fetches it, shallow where the ref allows, into a temporary repository under
/// <paramref name="scratchDir"/> (the store's tmp), and checks it out there. Each ref is resolved and each
/// checkout made once per build. Credentials come from the <c>GIT_AUTH_HEADER</c> and <c>GIT_AUTH_TOKEN</c>
/// secrets (optionally <c>.&lt;host&gt;</c>), as BuildKit reads them.</summary>
public sealed partial class GitSources(string scratchDir, IReadOnlyDictionary<string, byte[]> secrets, string? sshAuthSock = null, TimeSpan? timeout = null)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<GitRevision>>> _resolved = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _checkouts = new(StringComparer.Ordinal);
    private readonly Lazy<string> _home = new(() => Directory.CreateDirectory(Path.Join(scratchDir, "git-home")).FullName);

    /// <summary>How long one git command may run.</summary>
    public TimeSpan Timeout { get; } = timeout ?? TimeSpan.FromMinutes(10);

    /// <summary>The ref and commit <paramref name="source"/> names, checked against its checksum.</summary>
    public Task<GitRevision> ResolveAsync(GitRef source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var key = $"{source.Remote}#{source.Ref}#{source.Checksum}#{source.FetchByCommit}";
        return _resolved.GetOrAdd(key, _ => new Lazy<Task<GitRevision>>(() => ResolveCoreAsync(source, cancellationToken))).Value;
    }

    /// <summary>The host directory holding the files of <paramref name="source"/> at its resolved commit (its
    /// subdir, when it names one), to be copied and not changed.</summary>
    public async Task<string> CheckoutAsync(GitRef source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var revision = await ResolveAsync(source, cancellationToken).ConfigureAwait(false);
        var key = source.Remote + "\n" + revision.CacheKey(source);
        return await _checkouts.GetOrAdd(key, _ => new Lazy<Task<string>>(() =>
            new GitCheckout(Cli(source), source, revision).RunAsync(Path.Join(scratchDir, "git-" + Guid.NewGuid().ToString("N")), cancellationToken)))
            .Value.ConfigureAwait(false);
    }

    private async Task<GitRevision> ResolveCoreAsync(GitRef source, CancellationToken cancellationToken)
    {
        var checksum = source.Checksum;
        if (checksum.Length > 0 && !HexOnly().IsMatch(checksum))
        {
            throw new BuildException($"invalid checksum {checksum} for Git URL, expected hex commit hash");
        }

        if (source.Ref.StartsWith('-'))
        {
            throw new BuildException($"invalid git ref {GitRef.Quote(source.Ref)}");
        }

        if (GitRef.IsCommitSha(source.Ref))
        {
            return checksum.Length > 0 && !source.Ref.StartsWith(checksum, StringComparison.Ordinal)
                ? throw new BuildException($"expected checksum to match {checksum}, got {source.Ref}")
                : new GitRevision(source.Ref, source.Ref);
        }

        if (source.FetchByCommit)
        {
            if (checksum.Length == 0)
            {
                throw new BuildException("fetch-by-commit requires a checksum or a commit SHA ref");
            }

            if (!GitRef.IsCommitSha(checksum))
            {
                throw new BuildException($"fetch-by-commit requires a full commit SHA checksum, got {GitRef.Quote(checksum)}");
            }

            var named = source.Ref.Length == 0 ? checksum : source.Ref.StartsWith("refs/", StringComparison.Ordinal) ? source.Ref : "refs/heads/" + source.Ref;
            return new GitRevision(named, checksum);
        }

        var git = Cli(source);
        var reference = source.Ref.Length > 0 ? source.Ref : await DefaultBranchAsync(git, source.Remote, cancellationToken).ConfigureAwait(false);
        var output = await Remote(git, source.Remote, "failed to fetch remote", cancellationToken, "ls-remote", "--", source.Remote, reference, reference + "^{}")
            .ConfigureAwait(false);
        return Pick(output, reference, checksum);
    }

    /// <summary>The commit <c>ls-remote</c> gives for <paramref name="reference"/>, preferring a branch to a tag as
    /// git checkout does, and the commit an annotated tag points to (BuildKit's resolveMetadataFromURL).</summary>
    internal static GitRevision Pick(string output, string reference, string checksum)
    {
        var bare = reference.StartsWith("refs/", StringComparison.Ordinal) ? reference["refs/".Length..] : reference;
        var partialRef = "refs/" + bare;
        var headRef = "refs/heads/" + (reference.StartsWith("refs/heads/", StringComparison.Ordinal) ? reference["refs/heads/".Length..] : reference);
        var tagRef = "refs/tags/" + (reference.StartsWith("refs/tags/", StringComparison.Ordinal) ? reference["refs/tags/".Length..] : reference);
        string sha = "", headSha = "", tagSha = "", peeledSha = "", usedRef = "";
        foreach (var line in GitCli.Lines(output))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            var (lineSha, lineRef) = tab < 0 ? (line, "") : (line[..tab], line[(tab + 1)..]);
            if (lineRef == headRef)
            {
                headSha = lineSha;
            }
            else if (lineRef == tagRef)
            {
                tagSha = lineSha;
            }
            else if (lineRef == tagRef + "^{}")
            {
                peeledSha = lineSha;
            }

            if (lineRef == partialRef)
            {
                (sha, usedRef) = (lineSha, lineRef);
            }
        }

        if (sha.Length == 0 && headSha.Length > 0)
        {
            (sha, usedRef) = (headSha, headRef);
        }

        if (sha.Length > 0 && usedRef != tagRef)
        {
            peeledSha = "";
        }

        if (sha.Length == 0)
        {
            (sha, usedRef) = (tagSha, tagRef);
        }

        if (sha.Length == 0)
        {
            throw new BuildException($"repository does not contain ref {reference}, output: {GitRef.Quote(output)}");
        }

        if (!GitRef.IsCommitSha(sha))
        {
            throw new BuildException($"invalid commit sha {GitRef.Quote(sha)}");
        }

        if (checksum.Length > 0 && !sha.StartsWith(checksum, StringComparison.Ordinal) && !(peeledSha.Length > 0 && peeledSha.StartsWith(checksum, StringComparison.Ordinal)))
        {
            throw new BuildException($"expected checksum to match {checksum}, got {sha}{(peeledSha.Length > 0 ? " or " + peeledSha : "")}");
        }

        return new GitRevision(usedRef, sha, peeledSha.Length > 0 ? peeledSha : null);
    }

    private static async Task<string> DefaultBranchAsync(GitCli git, string remote, CancellationToken cancellationToken)
    {
        var output = await Remote(git, remote, "error fetching default branch for repository", cancellationToken, "ls-remote", "--symref", remote, "HEAD")
            .ConfigureAwait(false);
        var match = DefaultBranch().Match(output);
        return match.Success && !match.Groups[1].Value.StartsWith('-')
            ? match.Groups[1].Value
            : throw new BuildException($"could not find default branch for repository: {AddSources.Redact(remote)}");
    }

    /// <summary>Runs a git command that talks to the remote; its failure names the remote (without credentials).</summary>
    internal static async Task<string> Remote(GitCli git, string remote, string what, CancellationToken cancellationToken, params string[] args)
    {
        try
        {
            return await git.RunAsync(args, cancellationToken).ConfigureAwait(false);
        }
        catch (BuildException e)
        {
            throw new BuildException($"{what} {AddSources.Redact(remote)}: {e.Message}", e);
        }
    }

    /// <summary>git for <paramref name="source"/>: with the auth header of its host's secret, when one was given.</summary>
    private GitCli Cli(GitRef source)
    {
        var settings = new GitSettings(_home.Value, Timeout) { SshAuthSock = sshAuthSock };
        if (AuthHeader(source.Remote) is { } header)
        {
            settings = settings with
            {
                Config = [KeyValuePair.Create($"http.{TokenScope(source.Remote)}.extraheader", "Authorization: " + header.Value)],
                Hidden = [.. header.Hidden],
            };
        }

        return new GitCli(settings);
    }

    /// <summary>The Authorization value BuildKit's git source sends: the first of <c>GIT_AUTH_HEADER.&lt;host&gt;</c>,
    /// <c>GIT_AUTH_TOKEN.&lt;host&gt;</c>, <c>GIT_AUTH_HEADER</c>, <c>GIT_AUTH_TOKEN</c> that was given; a token goes as
    /// Basic <c>x-access-token:TOKEN</c>. Only for a remote that is a URL (not <c>user@host:path</c>).</summary>
    internal (string Value, string[] Hidden)? AuthHeader(string remote)
    {
        if (!Uri.TryCreate(remote, UriKind.Absolute, out var uri) || uri.Authority.Length == 0)
        {
            return null;
        }

        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        foreach (var (name, token) in new[] { ("GIT_AUTH_HEADER." + host, false), ("GIT_AUTH_TOKEN." + host, true), ("GIT_AUTH_HEADER", false), ("GIT_AUTH_TOKEN", true) })
        {
            if (!secrets.TryGetValue(name, out var bytes))
            {
                continue;
            }

            var value = System.Text.Encoding.UTF8.GetString(bytes);
            var header = token ? "basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("x-access-token:" + value)) : value;
            return (header, [value, header]);
        }

        return null;
    }

    /// <summary>Where the header is sent: the remote itself, or all of github.com as actions/checkout does.</summary>
    private static string TokenScope(string remote) =>
        GitHubPrefixes.FirstOrDefault(p => remote.StartsWith(p, StringComparison.Ordinal)) ?? remote;

    private static readonly string[] GitHubPrefixes = ["https://github.com/", "https://www.github.com/"];

    [GeneratedRegex("^[a-fA-F0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HexOnly();

    [GeneratedRegex(@"refs/heads/(\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex DefaultBranch();
}
