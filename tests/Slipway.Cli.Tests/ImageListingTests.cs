using Slipway.Oci;
using Slipway.Store;

namespace Slipway.Cli.Tests;

/// <summary><c>images</c>, <c>history</c> and <c>inspect -f</c> over a store of three images, as docker prints them:
/// sizes unpacked, newest first, filters, templates.</summary>
public sealed class ImageListingTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("slipway-listing-");
    private string _alpine = "";
    private string _web = "";
    private string _dangling = "";

    public void Dispose() => _root.Delete(true);

    private async Task SeedAllAsync()
    {
        var store = LocalStore.Open(_root.FullName, TimeProvider.System);
        var base1 = new HistoryEntry { Created = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), CreatedBy = "/bin/sh -c #(nop) ADD file:4e6f in / " };
        _alpine = await SeededImages.SeedAsync(store, "docker.io/library/alpine:3", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), null, [base1],
            ("bin/base", 5_000_000));
        _web = await SeededImages.SeedAsync(store, "docker.io/library/web:1", new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero),
            new Dictionary<string, string> { ["tier"] = "front" },
            [
                base1,
                new HistoryEntry { Created = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), CreatedBy = "COPY app /app # buildkit", Comment = "buildkit.dockerfile.v0" },
                new HistoryEntry { Created = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), CreatedBy = "CMD [\"/app\"]", Comment = "buildkit.dockerfile.v0", EmptyLayer = true },
            ],
            ("bin/base", 5_000_000), ("app", 1_234_567));
        _dangling = await SeededImages.SeedAsync(store, null, new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), null, [], ("x", 1000));
    }

    private async Task<(int Exit, string Out, string Error)> RunAsync(params string[] args)
    {
        var env = new FakeEnvironment { IsRoot = true, Time = new SeededImages.FixedTime(Now) };
        var exit = await SlipwayApp.RunAsync(["--root", _root.FullName, .. args], env);
        return (exit, env.Out.ToString().ReplaceLineEndings("\n"), env.Error.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Images_are_listed_newest_first_with_their_unpacked_size_in_docker_columns()
    {
        await SeedAllAsync();
        var (exit, output, error) = await RunAsync("images");
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Equal(
            "REPOSITORY   TAG       IMAGE ID       CREATED        SIZE\n" +
            $"<none>       <none>    {_dangling}   24 hours ago   1kB\n" +
            $"web          1         {_web}   4 weeks ago    6.23MB\n" +
            $"alpine       3         {_alpine}   2 months ago   5MB\n", output);
    }

    [Fact]
    public async Task Digests_adds_docker_s_DIGEST_column_the_manifest_digest_of_each_name_and_none_for_a_dangling_image()
    {
        await SeedAllAsync();
        var web = (await RunAsync("inspect", "-f", "{{.Descriptor.digest}}", "web:1")).Out.Trim();
        var alpine = (await RunAsync("inspect", "-f", "{{.Descriptor.digest}}", "alpine:3")).Out.Trim();

        var (exit, output, error) = await RunAsync("images", "--digests");

        Assert.Equal("", error);
        Assert.Equal(0, exit);
        var pad = new string(' ', web.Length - "DIGEST".Length);
        var none = new string(' ', web.Length - "<none>".Length);
        Assert.Equal(
            $"REPOSITORY   TAG       DIGEST{pad}   IMAGE ID       CREATED        SIZE\n" +
            $"<none>       <none>    <none>{none}   {_dangling}   24 hours ago   1kB\n" +
            $"web          1         {web}   {_web}   4 weeks ago    6.23MB\n" +
            $"alpine       3         {alpine}   {_alpine}   2 months ago   5MB\n", output);
        var own = (await RunAsync("images", "--digests", "--format", "table {{.Repository}}", "alpine")).Out.Split('\n')
            .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();
        Assert.Equal(["REPOSITORY DIGEST", "alpine " + alpine, ""], own);
        Assert.Equal("alpine\n", (await RunAsync("images", "--digests", "--format", "{{.Repository}}", "alpine")).Out);
        Assert.Equal(_alpine + "\n", (await RunAsync("images", "--digests", "-q", "alpine")).Out);
    }

    [Theory]
    [InlineData("--filter", "dangling=true", "<none>")]
    [InlineData("--filter", "dangling=false", "web,alpine")]
    [InlineData("--filter", "reference=al*", "alpine")]
    [InlineData("--filter", "reference=alpine:3", "alpine")]
    [InlineData("--filter", "reference=w?b:*", "web")]
    [InlineData("--filter", "reference=docker.io/library/*", "web,alpine")]
    [InlineData("--filter", "reference=library/*", "")]
    [InlineData("--filter", "label=tier", "web")]
    [InlineData("--filter", "label=tier=front", "web")]
    [InlineData("--filter", "label=tier=back", "")]
    [InlineData("--filter", "before=web:1", "alpine")]
    [InlineData("--filter", "since=alpine:3", "<none>,web")]
    [InlineData("--filter", "until=2026-01-15", "alpine")]
    [InlineData("-f", "since=alpine:3", "web", "--filter", "dangling=false")]
    [InlineData("-f", "reference=alpine", "web,alpine", "-f", "reference=web")]
    [InlineData("alpine", null, "alpine")]
    [InlineData("alpine:4", null, "")]
    public async Task Filters_select_as_docker_does(string first, string? second, string expected, params string[] more)
    {
        await SeedAllAsync();
        string[] args = ["images", "--format", "{{.Repository}}", first, .. second is null ? [] : (string[])[second], .. more];
        var (exit, output, error) = await RunAsync(args);
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Equal(expected, string.Join(',', output.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Theory]
    [InlineData("nope=1", "ERROR: invalid filter 'nope'\n")]
    [InlineData("label!=tier", "ERROR: invalid filter 'label!'\n")]
    [InlineData("dangling=maybe", "ERROR: invalid filter 'dangling=[maybe]'\n")]
    [InlineData("dangling", "ERROR: invalid argument \"dangling\" for \"-f, --filter\" flag: bad format of filter (expected name=value)\n")]
    [InlineData("before=nothing:1", "ERROR: No such image: nothing:1\n")]
    public async Task A_filter_docker_would_refuse_is_refused_with_its_words(string filter, string expected)
    {
        await SeedAllAsync();
        var (exit, output, error) = await RunAsync("images", "--filter", filter);
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Equal(expected, error);
    }

    [Fact]
    public async Task Formats_are_Go_templates_with_a_compressed_size_field_and_table_headers()
    {
        await SeedAllAsync();
        var (_, output, _) = await RunAsync("images", "--filter", "reference=web", "--format", "table {{.Repository}}:{{.Tag}}\\t{{.Size}}\\t{{.CompressedSize}}");
        var lines = output.Split('\n');
        Assert.Equal("REPOSITORY:TAG   SIZE      COMPRESSED SIZE", lines[0]);
        Assert.StartsWith("web:1            6.23MB    ", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("kB", lines[1], StringComparison.Ordinal);

        (_, output, _) = await RunAsync("images", "--filter", "reference=alpine", "--format", "{{json .}}");
        Assert.StartsWith("{\"CompressedSize\":\"", output, StringComparison.Ordinal);
        Assert.Contains($"\"Containers\":\"N/A\",\"CreatedAt\":\"2026-01-01 00:00:00 +0000 UTC\",\"CreatedSince\":\"2 months ago\",\"Digest\":\"sha256:", output, StringComparison.Ordinal);
        Assert.EndsWith($"\"ID\":\"{_alpine}\",\"Repository\":\"alpine\",\"SharedSize\":\"N/A\",\"Size\":\"5MB\",\"Tag\":\"3\",\"UniqueSize\":\"N/A\",\"VirtualSize\":\"5MB\"}}\n", output, StringComparison.Ordinal);

        var (exit, _, error) = await RunAsync("images", "--format", "{{.Nope}}");
        Assert.Equal(1, exit);
        Assert.Equal("ERROR: template parsing error: template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope in type *formatter.imageContext\n", error);
    }

    [Fact]
    public async Task History_shows_each_layer_unpacked_and_empty_entries_as_0B()
    {
        await SeedAllAsync();
        var (exit, output, error) = await RunAsync("history", "web:1");
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Equal(
            "IMAGE          CREATED        CREATED BY                              SIZE      COMMENT\n" +
            $"{_web}   4 weeks ago    CMD [\"/app\"]                            0B        buildkit.dockerfile.v0\n" +
            "<missing>      4 weeks ago    COPY app /app # buildkit                1.23MB    buildkit.dockerfile.v0\n" +
            "<missing>      2 months ago   /bin/sh -c #(nop) ADD file:4e6f in /    5MB\n", output);

        (_, output, _) = await RunAsync("history", "--format", "{{.Size}} {{.CompressedSize}} {{.CreatedBy}}", "--human=false", "web:1");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("0 0 CMD [\"/app\"]", lines[0]);
        Assert.StartsWith("1234567 ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("5000000 ", lines[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{.Config.Labels}}", "map[tier:front]")]
    [InlineData("{{.Config.Cmd}} {{.Config.Entrypoint}} [{{.Config.User}}]", "[/app] [] []")]
    [InlineData("{{index .Config.Labels \"tier\"}} {{json .Config.Labels}}", "front {\"tier\":\"front\"}")]
    [InlineData("{{.Size}} {{len .RootFS.Layers}}", "6234567 2")]
    [InlineData("{{range .RepoTags}}{{.}} {{end}}", "web:1 ")]
    [InlineData("{{upper .Os}}/{{.Architecture}}", "LINUX/amd64")]
    [InlineData("{{.Config}}", "{{ map[] [] [] [/app] map[]  map[tier:front]  false} {<nil> [] []}}")]
    [InlineData("{{.RootFS.Type}} {{with .Config}}{{.Cmd}}{{end}} {{json .Config.Cmd}}", "layers [/app] [\"/app\"]")]
    public async Task Inspect_runs_the_template_over_the_document(string template, string expected)
    {
        await SeedAllAsync();
        var (exit, output, error) = await RunAsync("inspect", "-f", template, "web:1");
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Equal(expected + "\n", output);
    }

    [Fact]
    public async Task Inspect_with_a_template_that_does_not_parse_exits_64_and_one_that_fails_exits_1()
    {
        await SeedAllAsync();
        var (exit, _, error) = await RunAsync("inspect", "-f", "{{.Config", "web:1");
        Assert.Equal(64, exit);
        Assert.Equal("ERROR: template parsing error: template: :1: unclosed action\n", error);

        (exit, _, error) = await RunAsync("inspect", "-f", "{{.Nope}}", "web:1");
        Assert.Equal(1, exit);
        Assert.Equal("ERROR: template parsing error: template: :1:2: executing \"\" at <.Nope>: map has no entry for key \"Nope\"\n", error);
    }
}
