using System.CommandLine;
using Slipway.Build.Containers;
using Slipway.Dockerfile.Instructions;
using Slipway.Oci;

namespace Slipway.Cli.Commands;

/// <summary><c>docker run</c>'s <c>--health-*</c> flags and <c>--no-healthcheck</c>: they override the image's
/// HEALTHCHECK field by field, as dockerd merges them (a flag not given keeps the image's value).</summary>
internal sealed class RunHealthOptions
{
    public Option<string?> Cmd { get; } = new("--health-cmd") { Description = "Command to run to check health" };

    public Option<string?> Interval { get; } = new("--health-interval") { Description = "Time between running the check (ms|s|m|h) (default 0s)", HelpName = "duration" };

    public Option<string?> Timeout { get; } = new("--health-timeout") { Description = "Maximum time to allow one check to run (ms|s|m|h) (default 0s)", HelpName = "duration" };

    public Option<string?> StartPeriod { get; } = new("--health-start-period") { Description = "Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)", HelpName = "duration" };

    public Option<string?> StartInterval { get; } = new("--health-start-interval") { Description = "Time between running the check during the start period (ms|s|m|h) (default 0s)", HelpName = "duration" };

    public Option<int> Retries { get; } = new("--health-retries") { Description = "Consecutive failures needed to report unhealthy" };

    public Option<bool> None { get; } = new("--no-healthcheck") { Description = "Disable any container-specified HEALTHCHECK" };

    public IEnumerable<Option> All => [Cmd, Interval, Timeout, StartPeriod, StartInterval, Retries, None];

    /// <summary>The health check the container runs: <paramref name="image"/>'s with the flags applied; docker's
    /// words for a negative or unparsable value and for <c>--no-healthcheck</c> with another flag.</summary>
    public HealthConfig? Apply(ParseResult parse, HealthConfig? image)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var cmd = parse.GetValue(Cmd);
        var interval = Duration(parse, Interval);
        var timeout = Duration(parse, Timeout);
        var startPeriod = Duration(parse, StartPeriod);
        var startInterval = Duration(parse, StartInterval);
        var retries = parse.GetValue(Retries);
        var any = !string.IsNullOrEmpty(cmd) || interval != TimeSpan.Zero || timeout != TimeSpan.Zero || startPeriod != TimeSpan.Zero
            || startInterval != TimeSpan.Zero || retries != 0;
        if (parse.GetValue(None))
        {
            return any ? throw new ContainerException("--no-healthcheck conflicts with --health-* options") : new HealthConfig { Test = ["NONE"] };
        }

        if (!any)
        {
            return image;
        }

        Negative(interval, Interval);
        Negative(timeout, Timeout);
        if (retries < 0)
        {
            throw new ContainerException("--health-retries cannot be negative");
        }

        Negative(startPeriod, StartPeriod);
        Negative(startInterval, StartInterval);
        return new HealthConfig
        {
            Test = !string.IsNullOrEmpty(cmd) ? ["CMD-SHELL", cmd] : image?.Test,
            Interval = interval != TimeSpan.Zero ? interval : image?.Interval,
            Timeout = timeout != TimeSpan.Zero ? timeout : image?.Timeout,
            StartPeriod = startPeriod != TimeSpan.Zero ? startPeriod : image?.StartPeriod,
            StartInterval = startInterval != TimeSpan.Zero ? startInterval : image?.StartInterval,
            Retries = retries != 0 ? retries : image?.Retries,
        };
    }

    private static TimeSpan Duration(ParseResult parse, Option<string?> option)
    {
        if (parse.GetValue(option) is not { Length: > 0 } text)
        {
            return TimeSpan.Zero;
        }

        return GoDuration.TryParse(text, out var value, out var error) ? value
            : throw new ContainerException($"invalid argument \"{text}\" for \"{option.Name}\" flag: {error}");
    }

    private static void Negative(TimeSpan value, Option option)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ContainerException($"{option.Name} cannot be negative");
        }
    }
}
