namespace Slipway.Cli.Tests;

public sealed class SizeCommandTests
{
    [Fact]
    public async Task Size_is_a_command_with_its_gates_and_formats()
    {
        var env = new FakeEnvironment();

        Assert.Equal(0, await SlipwayApp.RunAsync(["size", "--help"], env));

        var help = env.Out.ToString();
        foreach (var option in (string[])["--compare", "--format", "--output", "--max-size", "--max-wasted", "--min-efficiency"])
        {
            Assert.Contains(option, help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_invalid_size_limit_is_an_error_naming_the_option()
    {
        var env = new FakeEnvironment();
        env.Variables["HOME"] = Path.GetTempPath();

        var exit = await SlipwayApp.RunAsync(["--root", Path.Join(Path.GetTempPath(), "slipway-size-" + Guid.NewGuid().ToString("N")), "size", "x", "--max-size", "lots"], env);

        Assert.Equal(1, exit);
        Assert.Contains("invalid --max-size \"lots\"", env.Error.ToString(), StringComparison.Ordinal);
    }
}
