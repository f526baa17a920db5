using System.Diagnostics;
using Slipway.Integration.Tests.Build;
using Slipway.Integration.Tests.Fixtures;
using Slipway.Testing;

namespace Slipway.Integration.Tests.Containers;

/// <summary>The flow with real runc and pasta: a small web server (busybox httpd with a HEALTHCHECK) run
/// detached with a published port, reached from the host, listed, healthy, stopped and removed; two copies behind
/// two host ports; a supervisor killed with kill -9; --rm; a foreground run's exit status. Every container the class
/// made is force-removed after each test, and no runtime container, network namespace, mount or pasta is left.</summary>
public sealed class ContainerLifecycleTests(BusyboxStore store) : IClassFixture<BusyboxStore>, IAsyncLifetime
{
    private const string Image = "lifecycle-web:1";
    private readonly TempDirectory _temp = new();

    private SlipwayRunner Runner => store.Runner;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        if (Environment.UserName != "root" || Capability.Which("runc") is null || Capability.Which("pasta") is null)
        {
            return;
        }

        var context = Directory.CreateDirectory(Path.Join(_temp.Path, "web")).FullName;
        await File.WriteAllTextAsync(Path.Join(context, "Dockerfile"), """
            FROM busybox:1.35
            RUN mkdir /www && echo "hello from slipway" > /www/index.html
            EXPOSE 80
            STOPSIGNAL SIGKILL
            HEALTHCHECK --interval=1s --start-interval=1s --retries=2 CMD wget -q -O /dev/null http://127.0.0.1/ || exit 1
            CMD ["httpd", "-f", "-v", "-p", "80", "-h", "/www"]
            """);
        await Runner.OkAsync("build", "--progress", "plain", "-t", Image, context);
    }

    public async ValueTask DisposeAsync()
    {
        await ContainerChecks.RemoveAllAsync(Runner);
        _temp.Dispose();
        AssertNothingLeft();
    }

    private void Require()
    {
        store.Require();
        Capability.RequireTool("pasta");
    }

    private void AssertNothingLeft() => ContainerChecks.AssertNothingLeft(Runner);

    private List<int> Supervisors() => ContainerChecks.Supervisors(Runner);

    private static int FreePort() => ContainerChecks.FreePort();

    private static bool PortIsFree(int port) => ContainerChecks.PortIsFree(port);

    private static Task<string> GetAsync(int port) => ContainerChecks.GetAsync(port, Ct);

    private async Task<string> InspectAsync(string container, string template) =>
        (await Runner.OkAsync("inspect", "-f", template, container)).Output.Trim();

    private async Task WaitForAsync(string container, string template, string expected)
    {
        var seen = "";
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var result = await Runner.RunAsync("inspect", "-f", template, container);
            seen = result.Output.Trim() + result.Error;
            if (seen == expected)
            {
                return;
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail($"{template} of {container} stayed {seen}, not {expected}");
    }

    [Fact]
    public async Task A_detached_server_answers_on_its_published_port_becomes_healthy_stops_and_is_removed()
    {
        Require();
        var port = FreePort();
        var name = "web-" + Guid.NewGuid().ToString("N")[..8];

        var run = await Runner.OkAsync("run", "-d", "-p", $"{port}:80", "--name", name, Image);

        var id = run.Output.Trim();
        Assert.Matches("^[0-9a-f]{64}$", id);
        Assert.Equal("hello from slipway\n", await GetAsync(port));
        await WaitForAsync(name, "{{.State.Health.Status}}", "healthy");
        var ps = (await Runner.OkAsync("ps")).Output;
        Assert.Contains(id[..12], ps, StringComparison.Ordinal);
        Assert.Contains("(healthy)", ps, StringComparison.Ordinal);
        Assert.Contains($"0.0.0.0:{port}->80/tcp", ps, StringComparison.Ordinal);
        Assert.Contains("response:200", (await Runner.OkAsync("logs", name)).Error, StringComparison.Ordinal);
        Assert.Equal(id[..12] + "\n", (await Runner.OkAsync("exec", name, "cat", "/etc/hostname")).Output);
        Assert.Equal(3, (await Runner.RunAsync("exec", "-e", "X=3", name, "sh", "-c", "exit $X")).Exit);

        Assert.Equal(name + "\n", (await Runner.OkAsync("stop", name)).Output);
        Assert.Equal("exited 137", await InspectAsync(name, "{{.State.Status}} {{.State.ExitCode}}"));
        Assert.Equal(name + "\n", (await Runner.OkAsync("rm", name)).Output);
        Assert.Equal(1, (await Runner.RunAsync("inspect", name)).Exit);
        Assert.True(PortIsFree(port), $"port {port} is still taken after rm");
        AssertNothingLeft();
    }

    [Fact]
    public async Task Two_containers_on_the_same_port_answer_behind_two_host_ports()
    {
        Require();
        var (first, second) = (FreePort(), FreePort());

        var a = (await Runner.OkAsync("run", "-d", "-p", $"{first}:80", Image)).Output.Trim();
        var b = (await Runner.OkAsync("run", "-d", "-p", $"{second}:80", Image)).Output.Trim();

        Assert.Equal("hello from slipway\n", await GetAsync(first));
        Assert.Equal("hello from slipway\n", await GetAsync(second));
        Assert.NotEqual(await InspectAsync(a, "{{.Name}}"), await InspectAsync(b, "{{.Name}}"));
        Assert.Matches("^/[a-z]+_[a-z]+[0-9]*$", await InspectAsync(a, "{{.Name}}"));
        Assert.Equal(1, (await Runner.RunAsync("rm", a)).Exit);
        Assert.Equal($"{a}\n{b}\n", (await Runner.OkAsync("rm", "-f", a, b)).Output);
        AssertNothingLeft();
    }

    [Fact]
    public async Task A_supervisor_killed_with_kill_9_shows_as_dead_and_rm_f_cleans_what_it_left()
    {
        Require();
        var port = FreePort();
        var id = (await Runner.OkAsync("run", "-d", "-p", $"{port}:80", Image)).Output.Trim();
        Assert.Equal("hello from slipway\n", await GetAsync(port));
        var supervisor = Assert.Single(Supervisors());

        using (var process = Process.GetProcessById(supervisor))
        {
            process.Kill();
            await process.WaitForExitAsync(Ct);
        }

        Assert.Equal("dead", await InspectAsync(id, "{{.State.Status}}"));
        Assert.Contains("Dead", (await Runner.OkAsync("ps", "-a")).Output, StringComparison.Ordinal);
        Assert.Equal(id[..12] + "\n", (await Runner.OkAsync("rm", "-f", id[..12])).Output);
        Assert.Equal(1, (await Runner.RunAsync("inspect", id)).Exit);
        Assert.True(PortIsFree(port), $"port {port} is still taken after rm -f");
        AssertNothingLeft();
    }

    [Fact]
    public async Task A_foreground_run_prints_the_output_exits_with_the_commands_status_and_stays_until_removed()
    {
        Require();
        var name = "fg-" + Guid.NewGuid().ToString("N")[..8];

        var run = await Runner.RunAsync("run", "--name", name, "-e", "GREETING=hi there", Image, "sh", "-c", "echo \"$GREETING from $(hostname)\"; exit 7");

        Assert.Equal(7, run.Exit);
        var shortId = (await InspectAsync(name, "{{.Id}}"))[..12];
        Assert.Equal($"hi there from {shortId}\n", run.Output);
        Assert.Equal("exited 7", await InspectAsync(name, "{{.State.Status}} {{.State.ExitCode}}"));
        Assert.Contains("Exited (7)", (await Runner.OkAsync("ps", "-a")).Output, StringComparison.Ordinal);
        var missing = await Runner.RunAsync("run", "--rm", Image, "no-such-command");
        Assert.Equal(127, missing.Exit);
        Assert.Contains("executable file not found", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_container_run_with_rm_is_gone_after_it_ends_detached_or_not()
    {
        Require();
        var name = "gone-" + Guid.NewGuid().ToString("N")[..8];

        Assert.Equal("bye\n", (await Runner.OkAsync("run", "--rm", "--name", name, Image, "echo", "bye")).Output);
        Assert.Equal(1, (await Runner.RunAsync("inspect", "--type", "container", name)).Exit);

        var id = (await Runner.OkAsync("run", "-d", "--rm", Image, "sleep", "1")).Output.Trim();
        // The supervisor removes the container and then exits: both are waited for, the exit may come a moment later.
        for (var attempt = 0; attempt < 300 && (Directory.Exists(Path.Join(Runner.Root, "containers", id)) || Supervisors().Count > 0); attempt++)
        {
            await Task.Delay(100, Ct);
        }

        Assert.False(Directory.Exists(Path.Join(Runner.Root, "containers", id)));
        Assert.Empty(Supervisors());
    }

    [Fact]
    public async Task Stop_sends_the_images_stopsignal_and_the_container_exits_within_the_timeout()
    {
        Require();
        var context = Directory.CreateDirectory(Path.Join(_temp.Path, "quit")).FullName;
        // nginx's way: SIGQUIT is its graceful shutdown; SIGTERM would be ignored by this PID 1 (no handler).
        await File.WriteAllTextAsync(Path.Join(context, "Dockerfile"), """
            FROM busybox:1.35
            STOPSIGNAL SIGQUIT
            CMD ["sh", "-c", "trap 'echo graceful quit; exit 0' QUIT; echo ready; while true; do sleep 1; done"]
            """, Ct);
        await Runner.OkAsync("build", "--progress", "plain", "-t", "quit:1", context);
        var name = "quit-" + Guid.NewGuid().ToString("N")[..8];
        await Runner.OkAsync("run", "-d", "--name", name, "quit:1");
        await WaitForAsync(name, "{{.State.Status}}", "running");
        for (var attempt = 0; attempt < 100 && !(await Runner.OkAsync("logs", name)).Output.Contains("ready", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(100, Ct);
        }

        var clock = Stopwatch.StartNew();
        Assert.Equal(name + "\n", (await Runner.OkAsync("stop", "-t", "30", name)).Output);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"stop took {clock.Elapsed}: the stop signal was not honoured");
        Assert.Equal("exited 0", await InspectAsync(name, "{{.State.Status}} {{.State.ExitCode}}"));
        Assert.Equal("ready\ngraceful quit\n", (await Runner.OkAsync("logs", name)).Output);
        Assert.Equal("SIGQUIT", await InspectAsync(name, "{{.Config.StopSignal}}"));
    }

    [Fact]
    public async Task A_failing_health_check_shows_unhealthy()
    {
        Require();
        var name = "sick-" + Guid.NewGuid().ToString("N")[..8];

        await Runner.OkAsync("run", "-d", "--name", name, "--health-cmd", "wget -q -O /dev/null http://127.0.0.1:81/", "--health-interval", "1s",
            "--health-start-period", "1ms", "--health-retries", "2", Image);

        await WaitForAsync(name, "{{.State.Health.Status}}", "unhealthy");
        Assert.Contains("(unhealthy)", (await Runner.OkAsync("ps", "--filter", "name=" + name)).Output, StringComparison.Ordinal);
        Assert.Equal("CMD-SHELL wget -q -O /dev/null http://127.0.0.1:81/ 2",
            await InspectAsync(name, "{{join .Config.Healthcheck.Test \" \"}} {{.State.Health.FailingStreak}}"));
    }

    [Fact]
    public async Task Run_it_gives_an_interactive_shell_a_pseudo_terminal()
    {
        Require();
        Capability.RequireTool("script");
        var dll = Path.Join(AppContext.BaseDirectory, "slipway.dll");
        var command = $"dotnet {dll} --root {Runner.Root} run -it --rm {Image} sh";
        // script(1) gives the CLI a terminal of its own, as a user's shell would; what is typed goes through it.
        var start = new ProcessStartInfo("script", ["-q", "-e", "-c", command, "/dev/null"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.Environment["HOME"] = Runner.Home;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        await process.StandardInput.WriteAsync("tty; test -t 0 && echo stdin-is-a-terminal; exit 3\n");
        await process.StandardInput.FlushAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var text = await output;
        Assert.True(process.ExitCode == 3, $"script exited {process.ExitCode}: {text}");
        Assert.Contains("/dev/pts/", text, StringComparison.Ordinal);
        Assert.Contains("stdin-is-a-terminal", text, StringComparison.Ordinal);
    }
}
