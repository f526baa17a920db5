using System.CommandLine;
using Slipway.Build.Containers;
using Slipway.Cli.Commands;
using Slipway.Oci;

namespace Slipway.Cli.Tests;

/// <summary><c>run --health-*</c> against what docker's CLI and dockerd's merge make of the same flags.</summary>
public sealed class RunHealthOptionsTests
{
    private static readonly HealthConfig Image = new()
    {
        Test = ["CMD", "/healthcheck"],
        Interval = TimeSpan.FromSeconds(30),
        Timeout = TimeSpan.FromSeconds(3),
        StartPeriod = TimeSpan.FromSeconds(5),
        Retries = 3,
    };

    private static HealthConfig? Apply(HealthConfig? image, params string[] args)
    {
        var options = new RunHealthOptions();
        var command = new RootCommand();
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }

        return options.Apply(command.Parse(args), image);
    }

    [Fact]
    public void No_flag_keeps_the_images_check() => Assert.Same(Image, Apply(Image));

    [Fact]
    public void A_command_is_run_by_the_shell_and_the_rest_comes_from_the_image()
    {
        var config = Apply(Image, "--health-cmd", "wget -qO- localhost:8080", "--health-interval", "2s");
        Assert.Equal(["CMD-SHELL", "wget -qO- localhost:8080"], config!.Test);
        Assert.Equal(TimeSpan.FromSeconds(2), config.Interval);
        Assert.Equal(TimeSpan.FromSeconds(3), config.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(5), config.StartPeriod);
        Assert.Equal(3, config.Retries);
    }

    [Fact]
    public void Settings_without_a_command_keep_the_images_command()
    {
        var config = Apply(Image, "--health-retries", "1", "--health-start-interval", "500ms");
        Assert.Equal(["CMD", "/healthcheck"], config!.Test);
        Assert.Equal(1, config.Retries);
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.StartInterval);
    }

    [Fact]
    public void No_healthcheck_disables_the_images_check() =>
        Assert.Equal(["NONE"], Apply(Image, "--no-healthcheck")!.Test);

    [Theory]
    [InlineData("--no-healthcheck conflicts with --health-* options", "--no-healthcheck", "--health-cmd", "true")]
    [InlineData("--health-interval cannot be negative", "--health-interval", "-1s")]
    [InlineData("--health-retries cannot be negative", "--health-retries", "-1")]
    [InlineData("--health-start-period cannot be negative", "--health-start-period", "-5s")]
    [InlineData("invalid argument \"soon\" for \"--health-timeout\" flag: time: invalid duration \"soon\"", "--health-timeout", "soon")]
    public void Bad_values_are_refused_in_dockers_words(string message, params string[] args) =>
        Assert.Equal(message, Assert.Throws<ContainerException>(() => Apply(Image, args)).Message);
}
