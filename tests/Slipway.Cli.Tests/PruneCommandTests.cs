using Slipway.Oci;
using Slipway.Store;

namespace Slipway.Cli.Tests;

/// <summary><c>image prune</c> and <c>prune</c> as docker's: a prompt unless <c>-f</c>, dangling images by default, every
/// image with <c>image prune -a</c>, <c>Deleted Images:</c> and the total.</summary>
public sealed class PruneCommandTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("slipway-prune-");
    private string _kept = "";
    private Digest _dangling;

    public void Dispose() => _root.Delete(true);

    private async Task SeedAsync()
    {
        var store = LocalStore.Open(_root.FullName, TimeProvider.System);
        _kept = await SeededImages.SeedAsync(store, "docker.io/library/kept:1", Now.AddDays(-2), null, [], ("a", 2000));
        await SeededImages.SeedAsync(store, null, Now.AddDays(-1), null, [], ("b", 1000));
        _dangling = (await new Store.Images.ImageStore(store).ListAsync(TestContext.Current.CancellationToken)).Single(i => i.IsDangling).Image.Id;
    }

    private async Task<(int Exit, string Out, string Error)> RunAsync(string input, params string[] args)
    {
        var env = new FakeEnvironment { IsRoot = true, Time = new SeededImages.FixedTime(Now), In = new StringReader(input) };
        var exit = await SlipwayApp.RunAsync(["--root", _root.FullName, .. args], env);
        return (exit, env.Out.ToString().ReplaceLineEndings("\n"), env.Error.ToString().ReplaceLineEndings("\n"));
    }

    private async Task<string> RepositoriesAsync() =>
        string.Join(',', (await RunAsync("", "images", "--format", "{{.Repository}}")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public async Task Image_prune_asks_first_and_does_nothing_unless_told_yes()
    {
        await SeedAsync();
        var (exit, output, error) = await RunAsync("n\n", "image", "prune");
        Assert.Equal((0, ""), (exit, error));
        Assert.Equal("WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ", output);
        Assert.Equal("<none>,kept", await RepositoriesAsync());
    }

    [Fact]
    public async Task Image_prune_removes_the_dangling_images_and_says_what_it_reclaimed()
    {
        await SeedAsync();
        var (exit, output, error) = await RunAsync("y\n", "image", "prune");
        Assert.Equal((0, ""), (exit, error));
        Assert.StartsWith(
            "WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] " +
            $"Deleted Images:\ndeleted: {_dangling}\n\nTotal reclaimed space: ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Total reclaimed space: 0B", output, StringComparison.Ordinal);
        Assert.Equal("kept", await RepositoriesAsync());

        (exit, output, _) = await RunAsync("", "image", "prune", "-f");
        Assert.Equal((0, "Total reclaimed space: 0B\n"), (exit, output));
    }

    [Fact]
    public async Task Image_prune_all_removes_every_image_as_docker_removes_those_no_container_uses()
    {
        await SeedAsync();
        var (exit, output, _) = await RunAsync("", "image", "prune", "-a", "-f");
        Assert.Equal(0, exit);
        Assert.StartsWith("Deleted Images:\n", output, StringComparison.Ordinal);
        Assert.Contains("untagged: kept:1\ndeleted: sha256:", output, StringComparison.Ordinal);
        Assert.Contains($"deleted: {_dangling}\n", output, StringComparison.Ordinal);
        Assert.Equal("", await RepositoriesAsync());
    }

    [Fact]
    public async Task Image_prune_filters_by_age_and_label()
    {
        await SeedAsync();
        var (_, output, _) = await RunAsync("", "image", "prune", "-a", "-f", "--filter", "until=36h");
        Assert.Contains("untagged: kept:1", output, StringComparison.Ordinal);
        Assert.Equal("<none>", await RepositoriesAsync());

        var (exit, _, error) = await RunAsync("", "image", "prune", "-f", "--filter", "reference=x");
        Assert.Equal((1, "ERROR: invalid filter 'reference'\n"), (exit, error));
    }

    [Theory]
    [InlineData("label!=keep=yes", "keep")]
    [InlineData("label!=keep", "keep,maybe")]
    [InlineData("label!=keep=no", "maybe")]
    [InlineData("label=keep", "kept,other")]
    public async Task Image_prune_label_not_filter_keeps_the_images_every_label_not_test_holds_for_as_moby_matchLabels(string filter, string left)
    {
        var store = LocalStore.Open(_root.FullName, TimeProvider.System);
        await SeededImages.SeedAsync(store, "docker.io/library/kept:1", Now.AddDays(-2), null, [], ("a", 2000));
        await SeededImages.SeedAsync(store, "docker.io/library/keep:1", Now.AddDays(-3), new Dictionary<string, string> { ["keep"] = "yes" }, [], ("k", 10));
        await SeededImages.SeedAsync(store, "docker.io/library/maybe:1", Now.AddDays(-4), new Dictionary<string, string> { ["keep"] = "no" }, [], ("m", 10));
        await SeededImages.SeedAsync(store, "docker.io/library/other:1", Now.AddDays(-5), new Dictionary<string, string> { ["tier"] = "x" }, [], ("o", 10));
        var (exit, _, error) = await RunAsync("", "image", "prune", "-a", "-f", "--filter", filter);

        Assert.Equal((0, ""), (exit, error));
        Assert.Equal(left, await RepositoriesAsync());
    }

    [Fact]
    public async Task Prune_removes_dangling_images_too_after_asking()
    {
        await SeedAsync();
        var (exit, output, _) = await RunAsync("", "prune");
        Assert.Equal(0, exit);
        Assert.Equal("WARNING! This will remove:\n  - all stopped containers\n  - all dangling images\n  - unused build cache\n\nAre you sure you want to continue? [y/N] ", output);
        Assert.Equal("<none>,kept", await RepositoriesAsync());

        (exit, output, _) = await RunAsync("", "prune", "-f");
        Assert.Equal(0, exit);
        Assert.StartsWith($"Deleted Images:\ndeleted: {_dangling}\n\n", output, StringComparison.Ordinal);
        Assert.Equal("kept", await RepositoriesAsync());
    }
}
