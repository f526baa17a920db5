namespace Slipway.Cli.Tests;

public class AppTests
{
    [Fact]
    public async Task Version_prints_the_assembly_version()
    {
        var env = new FakeEnvironment();
        Assert.Equal(0, await SlipwayApp.RunAsync(["--version"], env));
        Assert.Equal(SlipwayApp.Version, env.Out.ToString().Trim());
    }

    [Fact]
    public async Task Help_lists_the_global_options()
    {
        var env = new FakeEnvironment();
        Assert.Equal(0, await SlipwayApp.RunAsync(["--help"], env));
        var help = env.Out.ToString();
        Assert.Contains("--root", help, StringComparison.Ordinal);
        Assert.Contains("--debug", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_exits_non_zero()
    {
        var env = new FakeEnvironment();
        Assert.NotEqual(0, await SlipwayApp.RunAsync(["frobnicate"], env));
    }

    [Fact]
    public async Task Info_shows_the_resolved_root()
    {
        var env = new FakeEnvironment();
        Assert.Equal(0, await SlipwayApp.RunAsync(["--root", "/tmp/x", "info"], env));
        Assert.Contains("/tmp/x", env.Out.ToString(), StringComparison.Ordinal);
    }
}
