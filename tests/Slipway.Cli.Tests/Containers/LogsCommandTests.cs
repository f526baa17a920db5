using Slipway.Runtime;

namespace Slipway.Cli.Tests.Containers;

public sealed class LogsCommandTests : IDisposable
{
    private static readonly DateTimeOffset Now = SeededContainers.Now;
    private readonly SeededContainers _seed = new();

    public void Dispose() => _seed.Dispose();

    private async Task<string> SeedAsync()
    {
        var web = await _seed.AddAsync("web", Now.AddMinutes(-5), SeededContainers.Exited(Now.AddMinutes(-5), Now.AddMinutes(-1), 0));
        _seed.Log(web.Id,
            (OutputChannel.Stdout, "starting", Now.AddMinutes(-5)),
            (OutputChannel.Stderr, "warning: cold cache", Now.AddMinutes(-4)),
            (OutputChannel.Stdout, "ready", Now.AddMinutes(-3)),
            (OutputChannel.Stdout, "bye", Now.AddMinutes(-1)));
        return web.Id;
    }

    [Fact]
    public async Task Logs_prints_stdout_lines_to_stdout_and_stderr_lines_to_stderr()
    {
        await SeedAsync();

        var env = await _seed.RunAsync("logs", "web");

        Assert.Equal(("0", "starting\nready\nbye\n", "warning: cold cache\n"), (env.Variables["exit"], env.Out.ToString(), env.Error.ToString()));
    }

    [Fact]
    public async Task Tail_and_timestamps()
    {
        var id = await SeedAsync();

        var env = await _seed.RunAsync("logs", "--tail", "2", "-t", id[..6]);

        Assert.Equal("2026-12-03T11:57:00.000000000Z ready\n2026-12-03T11:59:00.000000000Z bye\n", env.Out.ToString());
    }

    [Theory]
    [InlineData("--since", "4m", "ready\nbye\n")]
    [InlineData("--until", "2026-12-03T11:57:00Z", "starting\nready\n")]
    [InlineData("-n", "0", "")]
    [InlineData("--tail", "all", "starting\nready\nbye\n")]
    public async Task Since_until_and_tail_select_as_docker_logs_does(string flag, string value, string expected)
    {
        await SeedAsync();

        var env = await _seed.RunAsync("logs", flag, value, "web");

        Assert.Equal(expected, env.Out.ToString());
    }

    [Fact]
    public async Task Follow_on_a_stopped_container_prints_the_log_and_ends()
    {
        await SeedAsync();

        var env = await _seed.RunAsync("logs", "-f", "web");

        Assert.Equal(("0", "starting\nready\nbye\n"), (env.Variables["exit"], env.Out.ToString()));
    }

    [Fact]
    public async Task Follow_ends_when_the_supervisor_is_gone()
    {
        var web = await _seed.AddAsync("live", Now.AddMinutes(-1), SeededContainers.Running(Now.AddMinutes(-1)), supervised: true);
        _seed.Log(web.Id, (OutputChannel.Stdout, "hello", Now));
        var following = _seed.RunAsync("container", "logs", "-f", "live");
        _seed.Log(web.Id, (OutputChannel.Stdout, "more", Now));

        _seed.KillSupervisors();
        var env = await following.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal("hello\nmore\n", env.Out.ToString());
    }

    [Fact]
    public async Task An_unknown_container_is_dockers_error()
    {
        var env = await _seed.RunAsync("logs", "nope");

        Assert.Equal(("1", "ERROR: No such container: nope"), (env.Variables["exit"], env.Error.ToString().Split('\n')[0]));
    }
}
