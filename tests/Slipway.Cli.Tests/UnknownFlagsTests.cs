namespace Slipway.Cli.Tests;

/// <summary>An unknown flag is named, as docker's flag parser names it, for every command: not the word after it, and
/// not the whole help text.</summary>
public sealed class UnknownFlagsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("slipway-flags-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Root => Path.Join(_dir, "root");

    [Theory]
    [InlineData("ERROR: unknown flag: --frobnicate\nSee 'slipway build --help'.\n", "build", "--frobnicate", ".")]
    [InlineData("ERROR: unknown flag: --frobnicate\nSee 'slipway build --help'.\n", "build", "--frobnicate=none", ".")]
    [InlineData("ERROR: unknown flag: --frobnicate\nSee 'slipway build --help'.\n", "build", ".", "--frobnicate")]
    [InlineData("ERROR: unknown flag: --frobnicate\nSee 'slipway build --help'.\n", "build", "--frobnicate")]
    [InlineData("ERROR: unknown shorthand flag: 'z' in -z\nSee 'slipway build --help'.\n", "build", "-z", ".")]
    [InlineData("ERROR: unknown flag: --filterz\nSee 'slipway images --help'.\n", "images", "--filterz", "reference=hello-*")]
    [InlineData("ERROR: unknown flag: --frobnicate\nSee 'slipway dockerfile parse --help'.\n", "dockerfile", "parse", "--frobnicate", "Dockerfile")]
    [InlineData("ERROR: unknown flag: --frobnicate\nSee 'slipway --help'.\n", "--frobnicate")]
    [InlineData("ERROR: unknown flag: --frobnicate\nSee 'slipway run --help'.\n", "run", "--frobnicate", "image")]
    public async Task An_unknown_flag_is_named_as_docker_names_it_for_every_command(string expected, params string[] args)
    {
        var env = new FakeEnvironment();
        var exit = await SlipwayApp.RunAsync(["--root", Root, .. args], env);
        Assert.Equal(1, exit);
        Assert.Equal(expected, env.Error.ToString());
        Assert.Equal("", env.Out.ToString());
        Assert.False(Directory.Exists(Root), "the store was opened");
    }

    [Fact]
    public async Task Words_after_run_IMAGE_are_the_command_not_flags()
    {
        var env = new FakeEnvironment();
        await SlipwayApp.RunAsync(["--root", Root, "run", "--runtime", "/nonexistent/runtime", "image", "sh", "-c", "true"], env);
        Assert.DoesNotContain("unknown flag", env.Error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("unknown shorthand", env.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_known_flag_with_a_dash_value_is_not_unknown()
    {
        var env = new FakeEnvironment();
        await SlipwayApp.RunAsync(["--root", Root, "build", "--call", "outline", "-f", "-", "--build-arg", "-x=1", Path.Join(_dir, "missing")], env);
        Assert.DoesNotContain("unknown flag", env.Error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("unknown shorthand", env.Error.ToString(), StringComparison.Ordinal);
    }
}
