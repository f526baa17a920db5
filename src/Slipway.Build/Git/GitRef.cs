using System.Text.RegularExpressions;
using Slipway.Build.Engine;

namespace Slipway.Build.Git;

/// <summary>A git repository named as an ADD source, read as BuildKit's <c>dfgitutil.ParseGitRef</c> reads it:
/// <c>https://host/repo.git</c>, <c>http://</c>, <c>git://</c>, <c>ssh://</c> and <c>user@host:path</c>, with the
/// legacy fragment <c>#ref:subdir</c> and the query <c>?ref=&amp;tag=&amp;branch=&amp;checksum=&amp;subdir=&amp;
/// keep-git-dir=&amp;submodules=&amp;mtime=&amp;fetch-by-commit=</c>. An http(s) URL is a repository only when its
/// path ends in <c>.git</c>; anything else is a file to download.</summary>
public sealed partial record GitRef
{
    /// <summary>The URL git is given: the source without its fragment and query (credentials kept, for the fetch).</summary>
    public required string Remote { get; init; }

    /// <summary>The repository's directory name: <c>bar</c> for <c>https://host/foo/bar.git</c>.</summary>
    public required string ShortName { get; init; }

    /// <summary>A branch, tag, full ref or commit; empty for the remote's default branch.</summary>
    public string Ref { get; init; } = "";

    /// <summary>The commit (or a prefix of it) the ref must resolve to; empty when not checked.</summary>
    public string Checksum { get; init; } = "";

    /// <summary>The directory of the repository to take, as written; empty for all of it.</summary>
    public string SubDir { get; init; } = "";

    /// <summary><c>github.com/foo/bar</c>: deprecated, and for ADD a local path.</summary>
    public bool IndistinguishableFromLocal { get; init; }

    /// <summary><c>http://</c> and <c>git://</c>: fetched without encryption.</summary>
    public bool UnencryptedTcp { get; init; }

    public bool? KeepGitDir { get; init; }

    public bool? Submodules { get; init; }

    /// <summary><c>checkout</c> (the default: files have the time of the checkout) or <c>commit</c> (the commit's time).</summary>
    public string MTime { get; init; } = "";

    /// <summary>Trust <see cref="Checksum"/> as the commit and fetch it directly, without asking the remote for the ref.</summary>
    public bool FetchByCommit { get; init; }

    private static readonly HashSet<string> Protocols = new(StringComparer.Ordinal) { "http", "https", "ssh", "git" };

    /// <summary>The repository <paramref name="source"/> names, or null when it names none (a path or a plain URL).
    /// A source that is a repository but whose query is wrong fails, with BuildKit's message.</summary>
    public static GitRef? Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.StartsWith("./", StringComparison.Ordinal) || source.StartsWith("../", StringComparison.Ordinal))
        {
            return null;
        }

        GitUrl? url;
        var local = false;
        if (source.StartsWith("github.com/", StringComparison.Ordinal))
        {
            local = true;
            url = GitUrl.FromStandard("https://" + source, "https");
        }
        else if (ProtocolPrefix().Match(source) is { Success: true } proto)
        {
            var scheme = proto.Value[..^3].ToLowerInvariant();
            url = Protocols.Contains(scheme) ? GitUrl.FromStandard(source, scheme) : null;
        }
        else
        {
            url = GitUrl.FromScp(source);
        }

        if (url is null || (url.Scheme is "http" or "https" && !local && !url.Path.EndsWith(".git", StringComparison.Ordinal)))
        {
            return null;
        }

        var remote = local ? url.Remote["https://".Length..] : url.Remote;
        var (fragmentRef, fragmentSubdir) = SplitFragment(url.Fragment);
        var parsed = new GitRef
        {
            Remote = remote,
            ShortName = TrimGitSuffix(remote[(remote.LastIndexOf('/') + 1)..]),
            Ref = fragmentRef,
            SubDir = fragmentSubdir,
            IndistinguishableFromLocal = local,
            UnencryptedTcp = url.Scheme is "http" or "git",
        };
        return GitQuery.Apply(parsed, url.Query);
    }

    /// <summary>This source with ADD's <c>--keep-git-dir</c> and <c>--checksum</c> flags taken in; a flag that
    /// contradicts the URL fails as in BuildKit.</summary>
    public GitRef WithFlags(bool? keepGitDir, string? checksum)
    {
        if (keepGitDir is { } flag && KeepGitDir is { } query && flag != query)
        {
            throw new BuildException("inconsistent keep-git-dir configuration");
        }

        if (!string.IsNullOrEmpty(checksum) && Checksum.Length > 0 && checksum != Checksum)
        {
            throw new BuildException($"checksum mismatch {Quote(checksum)} != {Quote(Checksum)}");
        }

        return this with
        {
            KeepGitDir = KeepGitDir ?? keepGitDir,
            Checksum = Checksum.Length > 0 ? Checksum : checksum ?? "",
        };
    }

    /// <summary>A string as Go's <c>%q</c> shows it (enough for refs and paths).</summary>
    internal static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>A 40 (sha1) or 64 (sha256) digit lowercase hex string, as <c>gitutil.IsCommitSHA</c>.</summary>
    public static bool IsCommitSha(string value) =>
        value is { Length: 40 or 64 } && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    // The legacy fragment: ref, then ':' and a subdir cleaned to a relative path (BuildKit's parseOpts). A subdir
    // that climbs out is kept as written, so that resolving it in the checkout refuses it by name.
    private static (string Ref, string SubDir) SplitFragment(string fragment)
    {
        if (fragment.Length == 0)
        {
            return ("", "");
        }

        var colon = fragment.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return (fragment, "");
        }

        var subdir = fragment[(colon + 1)..];
        return (fragment[..colon], GitSubdir.Climbs(subdir) ? subdir : string.Join('/', GitSubdir.Components(subdir)));
    }

    private static string TrimGitSuffix(string name) => name.EndsWith(".git", StringComparison.Ordinal) ? name[..^4] : name;

    [GeneratedRegex("^[a-zA-Z0-9]+://", RegexOptions.CultureInvariant)]
    private static partial Regex ProtocolPrefix();

    /// <summary>A URL split as Go's <c>url.Parse</c> splits it: the fragment after the first <c>#</c>, the query
    /// after the first <c>?</c> before it; <see cref="Remote"/> is the rest.</summary>
    private sealed partial record GitUrl(string Scheme, string Remote, string Path, string Query, string Fragment)
    {
        public static GitUrl? FromStandard(string text, string scheme)
        {
            var (rest, fragment) = Cut(text, '#');
            var (remote, query) = Cut(rest, '?');
            var afterScheme = remote[(remote.IndexOf("://", StringComparison.Ordinal) + 3)..];
            var slash = afterScheme.IndexOf('/', StringComparison.Ordinal);
            var path = slash < 0 ? "" : afterScheme[slash..];
            return new GitUrl(scheme, scheme + remote[remote.IndexOf("://", StringComparison.Ordinal)..], path, query, Unescape(fragment));
        }

        // BuildKit's sshutil gitSSHRegex: user@host:path[?query][#fragment].
        public static GitUrl? FromScp(string text) => ScpUrl().Match(text) is { Success: true } m
            ? new GitUrl("ssh", $"{m.Groups[1].Value}@{m.Groups[2].Value}:{m.Groups[3].Value}", m.Groups[3].Value, m.Groups[4].Value, m.Groups[5].Value)
            : null;

        private static (string Before, string After) Cut(string text, char separator)
        {
            var at = text.IndexOf(separator, StringComparison.Ordinal);
            return at < 0 ? (text, "") : (text[..at], text[(at + 1)..]);
        }

        private static string Unescape(string text)
        {
            try
            {
                return Uri.UnescapeDataString(text);
            }
            catch (UriFormatException)
            {
                return text;
            }
        }

        [GeneratedRegex(@"^([a-zA-Z0-9\-_]+)@([a-zA-Z0-9\-.]+):(.*?)(?:\?(.*?))?(?:#(.*))?$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
        private static partial Regex ScpUrl();
    }
}
