using System.Formats.Tar;
using Slipway.Build.Engine;
using Slipway.Testing;

namespace Slipway.Build.Tests.Ops;

/// <summary>ADD's sources beyond COPY's, run as ops over the copying snapshotter: archives with and without
/// <c>--unpack</c>, URLs with the HTTP_AUTH secrets, and git repositories served over dumb HTTP.</summary>
public sealed class AddOpTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-addop-");

    public void Dispose() => _dir.Delete(true);

    private static void WriteTar(string path)
    {
        using var file = File.Create(path);
        using var writer = new TarWriter(file);
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "inside.txt") { DataStream = new MemoryStream("packed"u8.ToArray()) });
    }

    [Theory]
    [InlineData("ADD a.tar /x/", "x/inside.txt=packed")]
    [InlineData("ADD --unpack=true a.tar /x/", "x/inside.txt=packed")]
    [InlineData("ADD --unpack=false a.tar /x/", "x/a.tar")]
    public async Task A_local_archive_is_unpacked_unless_unpack_is_false(string add, string expected)
    {
        using var ops = new OpsFixture($"FROM scratch\n{add}\n");
        WriteTar(Path.Join(ops.Context, "a.tar"));
        var tree = await ops.TreeAsync(await ops.ExecAsync(add, OpsFixture.State()));
        Assert.Contains(tree, e => e.StartsWith(expected, StringComparison.Ordinal));
        Assert.Equal(2, tree.Count);
    }

    [Theory]
    [InlineData("", "y/a.tar")]
    [InlineData("--unpack=false ", "y/a.tar")]
    [InlineData("--unpack=true ", "y/inside.txt=packed")]
    public async Task A_downloaded_archive_is_unpacked_only_with_unpack_true(string flag, string expected)
    {
        var served = Directory.CreateDirectory(Path.Join(_dir.FullName, "served")).FullName;
        WriteTar(Path.Join(served, "a.tar"));
        await using var server = new StaticHttpServer(served);
        var add = $"ADD {flag}{server.Origin}/a.tar /y/";
        using var ops = new OpsFixture($"FROM scratch\n{add}\n");
        var tree = await ops.TreeAsync(await ops.ExecAsync(add, OpsFixture.State()));
        Assert.Contains(tree, e => e.StartsWith(expected, StringComparison.Ordinal));
        Assert.Equal(2, tree.Count);
    }

    [Fact]
    public async Task The_http_auth_token_secret_of_the_host_is_sent_as_a_bearer_token_and_wins_over_the_header_secret()
    {
        var served = Directory.CreateDirectory(Path.Join(_dir.FullName, "served")).FullName;
        File.WriteAllText(Path.Join(served, "f.txt"), "private");
        await using var server = new StaticHttpServer(served) { RequiredAuthorization = "Bearer tok-91" };
        var add = $"ADD {server.Origin}/f.txt /f.txt";
        var secrets = new Dictionary<string, byte[]>
        {
            ["HTTP_AUTH_TOKEN_127.0.0.1"] = "tok-91"u8.ToArray(),
            ["HTTP_AUTH_HEADER_127.0.0.1"] = "Basic aGVsbG8="u8.ToArray(),
        };
        using var ops = new OpsFixture($"FROM scratch\n{add}\n", secrets: secrets);
        var state = await ops.ExecAsync(add, OpsFixture.State());
        Assert.Equal(["f.txt=private"], await ops.TreeAsync(state));
        Assert.All(server.Requests, r => Assert.Equal("Bearer tok-91", r.Authorization));
    }

    [Fact]
    public void The_header_secret_is_sent_as_it_is_and_other_hosts_get_nothing()
    {
        using var sources = new AddSources(_dir.FullName, new Dictionary<string, byte[]> { ["HTTP_AUTH_HEADER_example.com"] = "Token abc"u8.ToArray() });
        Assert.Equal("Token abc", sources.SecretAuthorization(new Uri("https://example.com:8443/f")));
        Assert.Null(sources.SecretAuthorization(new Uri("https://example.org/f")));
    }

    [Fact]
    public async Task A_git_source_adds_the_files_of_its_ref_and_subdir_and_is_keyed_by_the_commit()
    {
        Capability.RequireTool("git");
        var repo = new GitRepository(Path.Join(_dir.FullName, "origin"));
        repo.Write("docs/guide.md", "v1 guide\n");
        repo.Write("README.md", "readme\n");
        var v1 = repo.Commit("v1");
        repo.Tag("v1");
        repo.Publish();
        await using var server = new StaticHttpServer(repo.ServedDir);
        var add = $"ADD {server.Origin}/repo.git?ref=v1&subdir=docs /src";
        using var ops = new OpsFixture($"FROM scratch\n{add}\n");

        var map = await ops.CacheMapAsync(add, OpsFixture.State());
        var state = await ops.ExecAsync(add, OpsFixture.State());

        Assert.Equal(["src/", "src/guide.md=v1 guide\n"], await ops.TreeAsync(state));
        Assert.Contains(map.Facts!.Values, f => f.Key == $"git:{server.Origin}/repo.git" && f.Value == v1 + ":docs");
    }

    [Theory]
    [InlineData("COPY https://example.com/app.git /src", "source can't be a git ref for COPY")]
    [InlineData("COPY git@example.com:app.git /src", "source can't be a git ref for COPY")]
    [InlineData("COPY https://example.com/f.txt /f", "source can't be a URL for COPY")]
    [InlineData("ADD --checksum=sha256:00 a b /d/", "checksum can't be specified for multiple sources")]
    [InlineData("ADD --checksum=sha256:00 a /d/", "checksum requires HTTP(S) or Git sources")]
    public async Task Sources_a_step_cannot_take_fail_with_BuildKits_message(string step, string message)
    {
        using var ops = new OpsFixture($"FROM scratch\n{step}\n");
        var e = await Assert.ThrowsAsync<BuildException>(() => ops.CacheMapAsync(step, OpsFixture.State()));
        Assert.Equal(message, e.Message);
    }
}
