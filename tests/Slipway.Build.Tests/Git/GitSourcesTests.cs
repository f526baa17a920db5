using Slipway.Build.Engine;
using Slipway.Build.Git;
using Slipway.Testing;

namespace Slipway.Build.Tests.Git;

/// <summary>Resolution and checkout through the system's git, against a repository served over git's dumb HTTP
/// protocol by a static file server on 127.0.0.1: no root needed.</summary>
public sealed class GitSourcesTests : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-gitsrc-");
    private GitRepository _repo = null!;
    private StaticHttpServer _server = null!;
    private string _v1 = "";
    private string _main = "";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string Remote => _server.Origin + "/repo.git";

    public ValueTask InitializeAsync()
    {
        Capability.RequireTool("git");
        _repo = new GitRepository(Path.Join(_dir.FullName, "origin"));
        _repo.Write("README.md", "v1 readme\n");
        _repo.Write("docs/guide.md", "v1 guide\n");
        _repo.Write("docs/api/index.md", "v1 api\n");
        _repo.Write("src/main.c", "int main(void) { return 1; }\n");
        _repo.Symlink("escape", "..");
        _v1 = _repo.Commit("v1");
        _repo.Tag("v1");
        _repo.Tag("v1-annotated", annotated: true);
        _repo.Write("README.md", "v2 readme\n");
        _repo.Write("docs/guide.md", "v2 guide\n");
        _main = _repo.Commit("v2");
        _repo.Publish();
        _server = new StaticHttpServer(_repo.ServedDir);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _dir.Delete(true);
    }

    private GitSources Sources(IReadOnlyDictionary<string, byte[]>? secrets = null) =>
        new(Directory.CreateDirectory(Path.Join(_dir.FullName, "scratch-" + Guid.NewGuid().ToString("N"))).FullName,
            secrets ?? new Dictionary<string, byte[]>(), timeout: TimeSpan.FromMinutes(2));

    private GitRef Source(string suffix = "") => GitRef.Parse(Remote + suffix)!;

    private static List<string> Files(string dir) => FileTree.Entries(dir);

    [Fact]
    public async Task Without_a_ref_the_default_branch_is_resolved_by_ls_remote_and_checked_out_without_git_dir()
    {
        var sources = Sources();
        var revision = await sources.ResolveAsync(Source(), Token);
        Assert.Equal(("refs/heads/main", _main), (revision.Ref, revision.Commit));
        var tree = await sources.CheckoutAsync(Source(), Token);
        Assert.Equal(["README.md", "docs", "docs/api", "docs/api/index.md", "docs/guide.md", "escape", "src", "src/main.c"], Files(tree));
        Assert.Equal("v2 readme\n", File.ReadAllText(Path.Join(tree, "README.md")));
        Assert.Equal((UnixFileMode)0x1A4, File.GetUnixFileMode(Path.Join(tree, "README.md")) & (UnixFileMode)0x1FF);
    }

    [Theory]
    [InlineData("#v1:docs")]
    [InlineData("?tag=v1&subdir=docs")]
    [InlineData("?ref=v1-annotated&subdir=/docs/")]
    public async Task A_tag_and_a_subdir_give_exactly_that_directory_at_that_tag(string suffix)
    {
        var sources = Sources();
        var tree = await sources.CheckoutAsync(Source(suffix), Token);
        Assert.Equal(["api", "api/index.md", "guide.md"], Files(tree));
        Assert.Equal("v1 guide\n", File.ReadAllText(Path.Join(tree, "guide.md")));
    }

    [Fact]
    public async Task An_annotated_tag_is_keyed_by_the_commit_it_points_to()
    {
        var revision = await Sources().ResolveAsync(Source("#v1-annotated"), Token);
        Assert.Equal("refs/tags/v1-annotated", revision.Ref);
        Assert.NotEqual(_v1, revision.Commit);
        Assert.Equal(_v1, revision.PeeledCommit);
        Assert.Equal(_v1, revision.CacheKey(Source("#v1-annotated")));
    }

    [Fact]
    public async Task A_commit_ref_is_checked_out_without_asking_the_remote_for_refs()
    {
        var tree = await Sources().CheckoutAsync(Source("#" + _v1), Token);
        Assert.Equal("v1 readme\n", File.ReadAllText(Path.Join(tree, "README.md")));
    }

    [Fact]
    public async Task A_checksum_that_is_not_the_resolved_commit_fails_with_BuildKits_message()
    {
        var wrong = Source("#v1").WithFlags(null, "0000000");
        var e = await Assert.ThrowsAsync<BuildException>(() => Sources().ResolveAsync(wrong, Token));
        Assert.Equal($"expected checksum to match 0000000, got {_v1}", e.Message);
        Assert.Equal(_v1, (await Sources().ResolveAsync(Source("#v1").WithFlags(null, _v1[..7]), Token)).Commit);
        Assert.Equal("invalid checksum xyz for Git URL, expected hex commit hash",
            (await Assert.ThrowsAsync<BuildException>(() => Sources().ResolveAsync(Source("?checksum=xyz"), Token))).Message);
    }

    [Fact]
    public async Task Keep_git_dir_keeps_a_git_dir_at_the_commit_whose_origin_has_no_credentials()
    {
        var source = GitRef.Parse(Remote.Replace("http://", "http://joe:pw-1234@", StringComparison.Ordinal) + "#v1")!.WithFlags(true, null);
        var tree = await Sources().CheckoutAsync(source, Token);
        Assert.True(Directory.Exists(Path.Join(tree, ".git")));
        Assert.Equal(_v1, GitRepository.Git(tree, "rev-parse", "HEAD").Trim());
        Assert.Equal(Remote.Replace("http://", "http://xxxxx:xxxxx@", StringComparison.Ordinal), GitRepository.Git(tree, "remote", "get-url", "origin").Trim());
        Assert.DoesNotContain("pw-1234", File.ReadAllText(Path.Join(tree, ".git", "config")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subdir_through_a_symlink_out_of_the_checkout_fails_clearly()
    {
        var e = await Assert.ThrowsAsync<BuildException>(() => Sources().CheckoutAsync(Source("#main:escape"), Token));
        Assert.Equal("invalid subdir \"escape\": \"escape\" is a symlink (to \"..\"), not a directory of the repository", e.Message);
        e = await Assert.ThrowsAsync<BuildException>(() => Sources().CheckoutAsync(Source("?subdir=../x"), Token));
        Assert.Equal("invalid subdir \"../x\": it leads outside the repository", e.Message);
    }

    [Fact]
    public async Task A_missing_ref_names_the_ref()
    {
        var e = await Assert.ThrowsAsync<BuildException>(() => Sources().ResolveAsync(Source("#nope"), Token));
        Assert.StartsWith("repository does not contain ref nope", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_git_auth_token_secret_goes_to_the_remote_as_basic_x_access_token()
    {
        var header = "basic " + Convert.ToBase64String("x-access-token:tok-5e1"u8.ToArray());
        _server.RequiredAuthorization = header;
        var host = $"127.0.0.1:{_server.Port}";
        var sources = Sources(new Dictionary<string, byte[]> { ["GIT_AUTH_TOKEN." + host] = "tok-5e1"u8.ToArray() });
        var tree = await sources.CheckoutAsync(Source("#v1"), Token);
        Assert.Equal("v1 readme\n", File.ReadAllText(Path.Join(tree, "README.md")));
        Assert.All(_server.Requests, r => Assert.Equal(header, r.Authorization));

        var e = await Assert.ThrowsAsync<BuildException>(() => Sources().ResolveAsync(Source("#v1"), Token));
        Assert.StartsWith($"failed to fetch remote {Remote}: git ls-remote failed:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ls_remote_output_is_read_as_BuildKit_reads_it()
    {
        const string a = "1111111111111111111111111111111111111111", b = "2222222222222222222222222222222222222222";
        var both = $"{a}\trefs/heads/v1\n{b}\trefs/tags/v1\n";
        Assert.Equal(new GitRevision("refs/heads/v1", a), GitSources.Pick(both, "v1", ""));
        Assert.Equal(new GitRevision("refs/tags/v1", b), GitSources.Pick(both, "refs/tags/v1", ""));
        Assert.Equal(new GitRevision("refs/tags/v1", b, a), GitSources.Pick($"{b}\trefs/tags/v1\n{a}\trefs/tags/v1^{{}}\n", "v1", a[..4]));
        Assert.Equal($"expected checksum to match 33, got {a}",
            Assert.Throws<BuildException>(() => GitSources.Pick(both, "v1", "33")).Message);
    }
}
