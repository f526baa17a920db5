using Slipway.Testing;

namespace Slipway.Integration.Tests.Build;

/// <summary>Issue 14 item 4: ADD of a git repository served over git's dumb HTTP protocol from a local bare
/// repository (a static file server on 127.0.0.1), through the system's git; and ADD URLs with the
/// HTTP_AUTH_TOKEN secret of their host.</summary>
public sealed class AddGitTests : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-addgit-");
    private GitRepository _repo = null!;
    private StaticHttpServer _server = null!;
    private string _v1 = "";

    private string Repo => _server.Origin + "/repo.git";

    public ValueTask InitializeAsync()
    {
        Capability.RequireRoot();
        Capability.RequireTool("git");
        _repo = new GitRepository(Path.Join(_dir.FullName, "origin"));
        _repo.Write("README.md", "v1 readme\n");
        _repo.Write("docs/guide.md", "v1 guide\n");
        _repo.Write("docs/api/index.md", "v1 api\n");
        _repo.Write("src/main.c", "int main(void) { return 0; }\n");
        _repo.Symlink("out", "../..");
        _v1 = _repo.Commit("v1");
        _repo.Tag("v1");
        _repo.Write("docs/guide.md", "v2 guide\n");
        _repo.Commit("v2");
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

    private string Context(string dockerfile)
    {
        var context = Directory.CreateDirectory(Path.Join(_dir.FullName, "context-" + Guid.NewGuid().ToString("N"))).FullName;
        File.WriteAllText(Path.Join(context, "Dockerfile"), dockerfile);
        return context;
    }

    private static List<string> Files(string dir) => FileTree.Entries(dir);

    /// <summary>How the step whose name ends with <paramref name="instruction"/> ended.</summary>
    private static string Step(Dictionary<string, string> steps, string instruction) =>
        Assert.Single(steps, s => s.Key.EndsWith("] " + instruction, StringComparison.Ordinal)).Value;

    [Fact]
    public async Task ADD_with_a_tag_and_a_subdir_gives_exactly_those_files_and_an_unchanged_rebuild_is_cached()
    {
        var context = Context($"FROM scratch\nADD {Repo}?tag=v1&subdir=docs /src\nADD {Repo}#main:docs /main\n");
        using var runner = new SlipwayRunner();
        var output = Path.Join(_dir.FullName, "out");
        await runner.OkAsync("build", "--progress", "plain", "--output", $"type=local,dest={output}", context);

        Assert.Equal(["main", "main/api", "main/api/index.md", "main/guide.md", "src", "src/api", "src/api/index.md", "src/guide.md"], Files(output));
        Assert.Equal("v1 guide\n", File.ReadAllText(Path.Join(output, "src", "guide.md")));
        Assert.Equal("v2 guide\n", File.ReadAllText(Path.Join(output, "main", "guide.md")));

        var requests = _server.Requests.Count;
        var again = BuildProgress.Steps((await runner.OkAsync("build", "--progress", "plain", context)).Error);
        Assert.Equal("CACHED", Step(again, $"ADD {Repo}?tag=v1&subdir=docs /src"));
        Assert.Equal("CACHED", Step(again, $"ADD {Repo}#main:docs /main"));
        // Only ls-remote asked the server: no pack, no object was fetched for a cached step.
        Assert.DoesNotContain(_server.Requests.Skip(requests), r => r.Path.Contains("/objects/", StringComparison.Ordinal));

        _repo.Write("docs/guide.md", "v3 guide\n");
        _repo.Commit("v3");
        _repo.Publish();
        var moved = await runner.OkAsync("build", "--progress", "plain", "--output", $"type=local,dest={output}-moved", context);
        var steps = BuildProgress.Steps(moved.Error);
        Assert.Equal("CACHED", Step(steps, $"ADD {Repo}?tag=v1&subdir=docs /src"));
        Assert.Equal("DONE", Step(steps, $"ADD {Repo}#main:docs /main"));
        Assert.Equal("v3 guide\n", File.ReadAllText(Path.Join(output + "-moved", "main", "guide.md")));
    }

    [Theory]
    [InlineData("?subdir=../x", "invalid subdir \"../x\": it leads outside the repository")]
    [InlineData("#main:out", "invalid subdir \"out\": \"out\" is a symlink (to \"../..\"), not a directory of the repository")]
    public async Task A_subdir_that_escapes_the_checkout_fails_with_a_clear_error(string suffix, string message)
    {
        using var runner = new SlipwayRunner();
        var result = await runner.RunAsync("build", "--progress", "plain", Context($"FROM scratch\nADD {Repo}{suffix} /src\n"));
        Assert.Equal(1, result.Exit);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checksum_is_the_commit_a_prefix_passes_and_another_fails_with_BuildKits_message()
    {
        using var runner = new SlipwayRunner();
        await runner.OkAsync("build", "--progress", "plain", Context($"FROM scratch\nADD --checksum={_v1[..7]} {Repo}#v1 /src\n"));
        var result = await runner.RunAsync("build", "--progress", "plain", Context($"FROM scratch\nADD --checksum=0123456 {Repo}#v1 /src\n"));
        Assert.Equal(1, result.Exit);
        Assert.Contains($"expected checksum to match 0123456, got {_v1}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keep_git_dir_keeps_the_git_directory_and_without_it_there_is_none()
    {
        using var runner = new SlipwayRunner();
        var output = Path.Join(_dir.FullName, "out");
        await runner.OkAsync("build", "--progress", "plain", "--output", $"type=local,dest={output}",
            Context($"FROM scratch\nADD --keep-git-dir=true {Repo}#v1 /kept\nADD {Repo}#v1 /plain\n"));
        Assert.Equal(_v1, GitRepository.Git(Path.Join(output, "kept"), "rev-parse", "HEAD").Trim());
        Assert.False(Directory.Exists(Path.Join(output, "plain", ".git")));
        Assert.Equal("v1 readme\n", File.ReadAllText(Path.Join(output, "plain", "README.md")));
    }

    [Fact]
    public async Task The_http_auth_token_secret_is_sent_as_a_bearer_token_and_is_in_no_layer_or_file_of_the_store()
    {
        const string Token = "tok-3f9a6c1e-bearer";
        File.WriteAllText(Path.Join(_repo.ServedDir, "private.txt"), "private payload\n");
        _server.RequiredAuthorization = "Bearer " + Token;
        var tokenFile = Path.Join(_dir.FullName, "token");
        File.WriteAllText(tokenFile, Token);
        using var runner = new SlipwayRunner();
        var context = Context($"FROM scratch\nADD {_server.Origin}/private.txt /private.txt\n");
        var build = await runner.OkAsync("build", "--progress", "plain", "--secret", $"id=HTTP_AUTH_TOKEN_127.0.0.1,src={tokenFile}", "-t", "authed:1", context);
        var history = await runner.OkAsync("history", "--no-trunc", "authed:1");
        var inspect = await runner.OkAsync("inspect", "authed:1");

        Assert.Contains(_server.Requests, r => r.Path == "/private.txt" && r.Authorization == "Bearer " + Token);
        foreach (var result in new[] { build, history, inspect })
        {
            Assert.DoesNotContain(Token, result.Output + result.Error, StringComparison.Ordinal);
        }

        var leaks = Directory.EnumerateFiles(runner.Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => new FileInfo(f).LinkTarget is null && File.ReadAllText(f).Contains(Token, StringComparison.Ordinal))
            .ToList();
        Assert.Empty(leaks);
        Assert.Equal(["private.txt"], Assert.Single(await BuiltImage.LayerPathsAsync(runner, "authed:1")));

        var denied = await runner.RunAsync("build", "--progress", "plain", Context($"FROM scratch\nADD {_server.Origin}/private.txt /p\n"));
        Assert.Equal(1, denied.Exit);
        Assert.Contains("HTTP 401", denied.Error, StringComparison.Ordinal);
    }
}
