namespace Slipway.Cli.Tests;

/// <summary>A flag mistake is named as docker's flag parser (pflag under cobra) names it, for every command: not the
/// word after it, not the whole help text; then docker's usage line and status 125 (cli.FlagErrorFunc, which buildx
/// runs under as a CLI plugin too).</summary>
public sealed class UnknownFlagsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("slipway-flags-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Root => Path.Join(_dir, "root");

    private static string Usage(string useLine, string path) => $"\nUsage:  {useLine}\n\nRun '{path} --help' for more information\n";

    private const string Build = "slipway build [OPTIONS] CONTEXT";

    [Theory]
    [InlineData("unknown flag: --frobnicate", Build, "build", "--frobnicate", ".")]
    [InlineData("unknown flag: --frobnicate", Build, "build", "--frobnicate=none", ".")]
    [InlineData("unknown flag: --frobnicate", Build, "build", ".", "--frobnicate")]
    [InlineData("unknown flag: --frobnicate", Build, "build", "--frobnicate")]
    [InlineData("unknown flag: --rmi", Build, "build", "-q", "--rmi", ".")]
    [InlineData("unknown shorthand flag: 'z' in -z", Build, "build", "-z", ".")]
    [InlineData("unknown shorthand flag: 'z' in -zq", Build, "build", "-zq", ".")]
    [InlineData("unknown shorthand flag: 'z' in -z", Build, "build", "-qz", ".")]
    [InlineData("unknown shorthand flag: 'z' in -za", Build, "build", "-qza", ".")]
    [InlineData("flag needs an argument: 't' in -t", Build, "build", "-qt")]
    [InlineData("flag needs an argument: --tag", Build, "build", ".", "--tag")]
    [InlineData("unknown shorthand flag: 'z' in -z", "slipway images [OPTIONS] [REPOSITORY[:TAG]]", "images", "-qz")]
    [InlineData("unknown flag: --filterz", "slipway images [OPTIONS] [REPOSITORY[:TAG]]", "images", "--filterz", "reference=hello-*")]
    [InlineData("unknown flag: --frobnicate", "slipway dockerfile parse [OPTIONS] FILE", "dockerfile", "parse", "--frobnicate", "Dockerfile")]
    [InlineData("unknown flag: --frobnicate", "slipway [OPTIONS] COMMAND [ARG...]", "--frobnicate")]
    [InlineData("unknown flag: --version", "slipway images [OPTIONS] [REPOSITORY[:TAG]]", "images", "--version")]
    [InlineData("unknown flag: --frobnicate", "slipway image", "image", "--frobnicate")]
    [InlineData("unknown flag: --frobnicate", "slipway tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]", "tag", "--frobnicate", "a", "b")]
    [InlineData("flag needs an argument: --filter", "slipway image prune [OPTIONS]", "image", "prune", "-af", "--filter")]
    [InlineData("unknown flag: --frobnicate", "slipway image prune [OPTIONS]", "image", "prune", "--frobnicate")]
    [InlineData("unknown flag: --frobnicate", "slipway inspect [OPTIONS] NAME|ID [NAME|ID...]", "inspect", "--frobnicate", "image")]
    [InlineData("unknown flag: --frobnicate", "slipway run [OPTIONS] IMAGE [COMMAND...]", "run", "--frobnicate", "image")]
    public async Task A_flag_mistake_is_named_as_docker_names_it_with_the_usage_and_status_125(string message, string useLine, params string[] args)
    {
        var env = new FakeEnvironment();
        var exit = await SlipwayApp.RunAsync(["--root", Root, .. args], env);
        var path = string.Join(' ', useLine.Split(' ').TakeWhile(w => w.Length > 0 && w[0] != '[' && !char.IsUpper(w[0])));
        Assert.Equal(message + "\n" + Usage(useLine, path), env.Error.ToString());
        Assert.Equal(125, exit);
        Assert.Equal("", env.Out.ToString());
        Assert.False(Directory.Exists(Root), "the store was opened");
    }

    [Fact]
    public async Task A_value_a_flag_cannot_take_is_status_125_and_a_missing_or_extra_argument_is_status_1_as_in_docker()
    {
        var env = new FakeEnvironment();
        Assert.Equal(125, await SlipwayApp.RunAsync(["--root", Root, "size", "--top", "99999999999", "x"], env));
        Assert.Equal(1, await SlipwayApp.RunAsync(["--root", Root, "images", "a", "b"], env = new FakeEnvironment()));
        Assert.Equal("ERROR: Unrecognized command or argument 'b'.\n" + Usage("slipway images [OPTIONS] [REPOSITORY[:TAG]]", "slipway images"),
            env.Error.ToString());
    }

    [Theory]
    [InlineData("images", "-aq")]
    [InlineData("images", "--root=/nonexistent/x", "-q", "--debug", "--", "-z")]
    [InlineData("build", "-qt", "x", "--call", "outline", "/nonexistent/context")]
    [InlineData("build", "-tx", "-q", "--call=outline", "/nonexistent/context")]
    [InlineData("build", "-t=x", "--scan-secrets=warn", "--call", "outline", "/nonexistent/context")]
    public async Task Bundles_joined_values_and_words_after_double_dash_are_read_as_pflag_reads_them(params string[] args)
    {
        var env = new FakeEnvironment();
        await SlipwayApp.RunAsync(["--root", Root, .. args], env);
        Assert.DoesNotContain("unknown", env.Error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("flag needs", env.Error.ToString(), StringComparison.Ordinal);
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
