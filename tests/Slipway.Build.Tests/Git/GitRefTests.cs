using Slipway.Build.Engine;
using Slipway.Build.Git;

namespace Slipway.Build.Tests.Git;

/// <summary>BuildKit's dfgitutil TestParseGitRef table, case for case, plus the forms ADD documents.</summary>
public sealed class GitRefTests
{
    // source, remote, short name, ref, subdir ("-" for null: not a git source)
    [Theory]
    [InlineData("https://example.com/", null, null, null, null)]
    [InlineData("https://example.com/foo", null, null, null, null)]
    [InlineData("https://example.com/foo.git", "https://example.com/foo.git", "foo", "", "")]
    [InlineData("https://example.com/foo.git#deadbeef", "https://example.com/foo.git", "foo", "deadbeef", "")]
    [InlineData("https://example.com/foo.git#release/1.2", "https://example.com/foo.git", "foo", "release/1.2", "")]
    [InlineData("https://example.com/foo.git/", null, null, null, null)]
    [InlineData("https://example.com/foo.git.bar", null, null, null, null)]
    [InlineData("git://example.com/foo", "git://example.com/foo", "foo", "", "")]
    [InlineData("custom.xyz/moby/buildkit.git", null, null, null, null)]
    [InlineData("https://github.com/moby/buildkit", null, null, null, null)]
    [InlineData("https://github.com/moby/buildkit.git", "https://github.com/moby/buildkit.git", "buildkit", "", "")]
    [InlineData("https://foo:bar@github.com/moby/buildkit.git", "https://foo:bar@github.com/moby/buildkit.git", "buildkit", "", "")]
    [InlineData("git@github.com:moby/buildkit", "git@github.com:moby/buildkit", "buildkit", "", "")]
    [InlineData("git@github.com:moby/buildkit.git", "git@github.com:moby/buildkit.git", "buildkit", "", "")]
    [InlineData("git@bitbucket.org:atlassianlabs/atlassian-docker.git", "git@bitbucket.org:atlassianlabs/atlassian-docker.git", "atlassian-docker", "", "")]
    [InlineData("https://github.com/foo/bar.git#baz/qux:quux/quuz", "https://github.com/foo/bar.git", "bar", "baz/qux", "quux/quuz")]
    [InlineData("http://github.com/docker/docker.git:#branch", null, null, null, null)]
    [InlineData("https://github.com/docker/docker.git#:myfolder", "https://github.com/docker/docker.git", "docker", "", "myfolder")]
    [InlineData("./.git", null, null, null, null)]
    [InlineData(".git", null, null, null, null)]
    [InlineData("https://github.com/docker/docker.git?ref=v1.0.0&subdir=/subdir", "https://github.com/docker/docker.git", "docker", "v1.0.0", "/subdir")]
    [InlineData("https://github.com/moby/buildkit.git?subdir=/subdir#v1.0.0", "https://github.com/moby/buildkit.git", "buildkit", "v1.0.0", "/subdir")]
    [InlineData("https://github.com/moby/buildkit.git?tag=v1.0.0", "https://github.com/moby/buildkit.git", "buildkit", "refs/tags/v1.0.0", "")]
    [InlineData("https://github.com/moby/buildkit.git?branch=v1.0", "https://github.com/moby/buildkit.git", "buildkit", "refs/heads/v1.0", "")]
    [InlineData("git@github.com:moby/buildkit.git?subdir=/subdir#v1.0.0", "git@github.com:moby/buildkit.git", "buildkit", "v1.0.0", "/subdir")]
    [InlineData("ssh://git@example.com:2222/team/app.git#main:src", "ssh://git@example.com:2222/team/app.git", "app", "main", "src")]
    [InlineData("HTTPS://example.com/foo.git", "https://example.com/foo.git", "foo", "", "")]
    [InlineData("ftp://example.com/foo.git", null, null, null, null)]
    [InlineData("file.txt", null, null, null, null)]
    [InlineData("src/app", null, null, null, null)]
    [InlineData("https://example.com/archive.tar.gz", null, null, null, null)]
    public void Each_source_form_parses_as_BuildKit_parses_it(string source, string? remote, string? shortName, string? reference, string? subdir)
    {
        var parsed = GitRef.Parse(source);
        if (remote is null)
        {
            Assert.Null(parsed);
            return;
        }

        Assert.NotNull(parsed);
        Assert.Equal((remote, shortName, reference, subdir), (parsed.Remote, parsed.ShortName, parsed.Ref, parsed.SubDir));
        Assert.False(parsed.IndistinguishableFromLocal);
    }

    [Theory]
    [InlineData("github.com/moby/buildkit", "github.com/moby/buildkit", "")]
    [InlineData("github.com/moby/buildkit#master", "github.com/moby/buildkit", "master")]
    [InlineData("github.com/moby/buildkit?tag=v1.0.0", "github.com/moby/buildkit", "refs/tags/v1.0.0")]
    public void A_github_path_without_a_scheme_is_indistinguishable_from_a_local_path(string source, string remote, string reference)
    {
        var parsed = GitRef.Parse(source)!;
        Assert.True(parsed.IndistinguishableFromLocal);
        Assert.Equal((remote, reference), (parsed.Remote, parsed.Ref));
    }

    [Theory]
    [InlineData("http://example.com/foo.git", true)]
    [InlineData("git://example.com/foo", true)]
    [InlineData("https://example.com/foo.git", false)]
    [InlineData("git@example.com:foo.git", false)]
    public void Http_and_git_protocols_are_unencrypted(string source, bool unencrypted) =>
        Assert.Equal(unencrypted, GitRef.Parse(source)!.UnencryptedTcp);

    [Theory]
    [InlineData("https://github.com/moby/buildkit.git?ref=v1.0.0#v1.2.3", "ref conflicts: \"v1.2.3\" vs \"v1.0.0\"")]
    [InlineData("https://github.com/moby/buildkit.git?ref=v1.0.0&tag=v1.2.3", "ref conflicts: \"v1.0.0\" vs \"refs/tags/v1.2.3\"")]
    [InlineData("https://github.com/moby/buildkit.git?tag=v1.0.0&branch=v1.0", "branch conflicts with tag")]
    [InlineData("https://github.com/moby/buildkit.git?mtime=invalid", "invalid mtime value: \"invalid\" (must be \"checkout\" or \"commit\")")]
    [InlineData("https://github.com/moby/buildkit.git?fetch-by-commit=invalid", "invalid fetch-by-commit value: \"invalid\"")]
    [InlineData("https://github.com/moby/buildkit.git?invalid=123", "unexpected query \"invalid\"")]
    [InlineData("https://github.com/moby/buildkit.git?subdir=", "query \"subdir\" has no value")]
    [InlineData("https://github.com/moby/buildkit.git?ref=a&ref=b", "query \"ref\" has multiple values")]
    [InlineData("https://github.com/moby/buildkit.git?keep-git-dir=maybe", "invalid keep-git-dir value: \"maybe\"")]
    [InlineData("https://github.com/moby/buildkit.git?subdir=a#main:b", "subdir conflicts: \"b\" vs \"a\"")]
    public void A_repository_with_a_wrong_query_fails_with_BuildKits_message(string source, string message) =>
        Assert.Equal(message, Assert.Throws<BuildException>(() => GitRef.Parse(source)).Message);

    [Fact]
    public void The_query_sets_every_option_BuildKit_reads()
    {
        var parsed = GitRef.Parse("https://example.com/app.git?branch=dev&checksum=abc123&subdir=docs&keep-git-dir&submodules=false&mtime=commit")!;
        Assert.Equal("refs/heads/dev", parsed.Ref);
        Assert.Equal("abc123", parsed.Checksum);
        Assert.Equal("docs", parsed.SubDir);
        Assert.True(parsed.KeepGitDir);
        Assert.False(parsed.Submodules);
        Assert.Equal("commit", parsed.MTime);
    }

    [Fact]
    public void Fetch_by_commit_takes_its_checksum_and_keeps_the_fragment_ref()
    {
        var parsed = GitRef.Parse("https://github.com/moby/buildkit.git?fetch-by-commit=true&checksum=deadbeef#refs/heads/branch")!;
        Assert.True(parsed.FetchByCommit);
        Assert.Equal(("deadbeef", "refs/heads/branch"), (parsed.Checksum, parsed.Ref));
        Assert.False(GitRef.Parse("https://github.com/moby/buildkit.git?fetch-by-commit=false")!.FetchByCommit);
    }

    [Fact]
    public void A_fragment_subdir_is_cleaned_but_one_that_climbs_out_is_kept_as_written_to_be_refused()
    {
        Assert.Equal("a/b", GitRef.Parse("https://example.com/x.git#main:/a/./b/")!.SubDir);
        Assert.Equal("../x", GitRef.Parse("https://example.com/x.git#main:../x")!.SubDir);
    }

    [Fact]
    public void The_keep_git_dir_and_checksum_flags_join_the_url_and_must_agree_with_it()
    {
        var parsed = GitRef.Parse("https://example.com/x.git?keep-git-dir=true&checksum=abc")!;
        Assert.Equal("inconsistent keep-git-dir configuration", Assert.Throws<BuildException>(() => parsed.WithFlags(false, null)).Message);
        Assert.Equal("checksum mismatch \"def\" != \"abc\"", Assert.Throws<BuildException>(() => parsed.WithFlags(null, "def")).Message);
        var plain = GitRef.Parse("https://example.com/x.git")!.WithFlags(true, "abc");
        Assert.Equal((true, "abc"), (plain.KeepGitDir, plain.Checksum));
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef01234567", true)]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789abcdef01234567", false)]
    [InlineData("abc123", false)]
    public void A_commit_sha_is_40_or_64_lowercase_hex_digits(string value, bool sha) => Assert.Equal(sha, GitRef.IsCommitSha(value));
}
