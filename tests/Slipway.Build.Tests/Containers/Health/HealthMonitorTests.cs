using Slipway.Build.Containers.Health;
using Slipway.Oci;

namespace Slipway.Build.Tests.Containers.Health;

public sealed class HealthMonitorTests
{
    private static readonly DateTimeOffset Start = MonitorHarness.Start;

    [Fact]
    public void Defaults_are_dockers()
    {
        var settings = HealthSettings.From(new HealthConfig { Test = ["CMD", "true"] });

        Assert.Equal(new HealthSettings(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.Zero, TimeSpan.FromSeconds(5), 3), settings);
    }

    [Fact]
    public void Zero_values_and_retries_below_one_mean_the_defaults()
    {
        var settings = HealthSettings.From(new HealthConfig
        {
            Test = ["CMD", "true"], Interval = TimeSpan.Zero, Timeout = TimeSpan.Zero, StartInterval = TimeSpan.Zero, Retries = 0,
        });

        Assert.Equal(HealthSettings.From(new HealthConfig { Test = ["CMD", "true"] }), settings);
    }

    [Theory]
    [InlineData(new[] { "CMD", "true" }, true)]
    [InlineData(new[] { "CMD-SHELL", "exit 0" }, true)]
    [InlineData(new[] { "NONE" }, false)]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "BOGUS", "x" }, false)]
    public void Only_CMD_and_CMD_SHELL_tests_get_a_monitor(string[] test, bool expected)
    {
        Assert.Equal(expected, HealthSettings.HasProbe(new HealthConfig { Test = test }));
    }

    [Fact]
    public void HEALTHCHECK_NONE_is_refused_as_a_monitor()
    {
        Assert.Throws<ArgumentException>(() => new HealthMonitor(new HealthConfig { Test = ["NONE"] },
            _ => Task.FromResult((0, "")), TimeProvider.System, Start));
    }

    [Fact]
    public async Task The_monitor_reports_starting_at_once_and_probes_first_after_one_interval()
    {
        await using var h = new MonitorHarness(MonitorHarness.Config()).Then(0, "ok\n");

        Assert.Equal(HealthState.Starting, (await h.NextStateAsync()).Status);
        h.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, h.Probes);

        var state = await h.AdvanceToProbeAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(HealthState.Healthy, state.Status);
        Assert.Equal(0, state.FailingStreak);
        var result = Assert.Single(state.Log);
        Assert.Equal(new HealthResult(Start.AddSeconds(30), Start.AddSeconds(30), 0, "ok\n"), result);
    }

    [Fact]
    public async Task Failures_up_to_the_retries_make_the_container_unhealthy()
    {
        await using var h = new MonitorHarness(MonitorHarness.Config(interval: TimeSpan.FromSeconds(10))).Then(1).Then(1).Then(1);
        await h.NextStateAsync();

        var first = await h.AdvanceToProbeAsync(TimeSpan.FromSeconds(10));
        var second = await h.AdvanceToProbeAsync(TimeSpan.FromSeconds(10));
        var third = await h.AdvanceToProbeAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((HealthState.Starting, 1), (first.Status, first.FailingStreak));
        Assert.Equal((HealthState.Starting, 2), (second.Status, second.FailingStreak));
        Assert.Equal((HealthState.Unhealthy, 3), (third.Status, third.FailingStreak));
    }

    [Fact]
    public async Task A_success_makes_an_unhealthy_container_healthy_and_clears_the_streak()
    {
        await using var h = new MonitorHarness(MonitorHarness.Config(retries: 1)).Then(2).Then(0);
        await h.NextStateAsync();

        var failed = await h.AdvanceToProbeAsync(TimeSpan.FromSeconds(30));
        var passed = await h.AdvanceToProbeAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((HealthState.Unhealthy, 1), (failed.Status, failed.FailingStreak));
        Assert.Equal((HealthState.Healthy, 0), (passed.Status, passed.FailingStreak));
    }

    [Fact]
    public async Task A_failure_of_a_healthy_container_counts_but_keeps_it_healthy_until_the_retries()
    {
        await using var h = new MonitorHarness(MonitorHarness.Config()).Then(0).Then(1);
        await h.NextStateAsync();
        await h.AdvanceToProbeAsync(TimeSpan.FromSeconds(30));

        var state = await h.AdvanceToProbeAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((HealthState.Healthy, 1), (state.Status, state.FailingStreak));
    }

    [Fact]
    public async Task During_the_start_period_probes_run_at_the_start_interval_and_failures_do_not_count()
    {
        var config = MonitorHarness.Config(startPeriod: TimeSpan.FromSeconds(12), retries: 1);
        await using var h = new MonitorHarness(config).Then(1).Then(1).Then(1);
        await h.NextStateAsync();

        var first = await h.AdvanceToProbeAsync(TimeSpan.FromSeconds(5));   // +5s, inside the period
        var second = await h.AdvanceToProbeAsync(TimeSpan.FromSeconds(5));  // +10s, inside
        var third = await h.AdvanceToProbeAsync(TimeSpan.FromSeconds(5));   // +15s, past it: counts

        Assert.Equal((HealthState.Starting, 0), (first.Status, first.FailingStreak));
        Assert.Equal((HealthState.Starting, 0), (second.Status, second.FailingStreak));
        Assert.Equal((HealthState.Unhealthy, 1), (third.Status, third.FailingStreak));
        Assert.Equal([Start.AddSeconds(5), Start.AddSeconds(10), Start.AddSeconds(15)], third.Log.Select(r => r.Start));
    }

    [Fact]
    public async Task A_success_in_the_start_period_makes_the_container_healthy_and_probes_go_to_the_interval()
    {
        var config = MonitorHarness.Config(startPeriod: TimeSpan.FromMinutes(5));
        await using var h = new MonitorHarness(config).Then(0).Then(0);
        await h.NextStateAsync();

        var healthy = await h.AdvanceToProbeAsync(TimeSpan.FromSeconds(5));
        h.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(1, h.Probes);
        var next = await h.AdvanceToProbeAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(HealthState.Healthy, healthy.Status);
        Assert.Equal(Start.AddSeconds(35), next.Log[^1].Start);
    }

    [Fact]
    public async Task The_next_probe_is_one_interval_after_the_last_one_ended()
    {
        await using var h = new MonitorHarness(MonitorHarness.Config(interval: TimeSpan.FromSeconds(10)));
        h.Then(async ct =>
        {
            await Task.Delay(TimeSpan.FromSeconds(4), h.Time, ct);
            return (0, "");
        });
        await h.NextStateAsync();
        h.Time.Advance(TimeSpan.FromSeconds(10));
        await h.ProbeStartedAsync();
        var first = await h.AdvanceToProbeAsync(TimeSpan.FromSeconds(4));

        h.Time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(Start.AddSeconds(24), await h.ProbeStartedAsync());
        Assert.Equal(new HealthResult(Start.AddSeconds(10), Start.AddSeconds(14), 0, ""), first.Log[0]);
    }

    [Fact]
    public async Task A_probe_past_the_timeout_is_cancelled_and_fails_with_dockers_message()
    {
        await using var h = new MonitorHarness(MonitorHarness.Config(timeout: TimeSpan.FromSeconds(2)));
        h.Then(async ct =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return (0, "");
        });
        await h.NextStateAsync();
        h.Time.Advance(TimeSpan.FromSeconds(30));
        await h.ProbeStartedAsync();

        var state = await h.AdvanceToProbeAsync(TimeSpan.FromSeconds(2));

        Assert.Equal(new HealthResult(Start.AddSeconds(30), Start.AddSeconds(32), -1, "Health check exceeded timeout (2s)"), state.Log[0]);
        Assert.Equal(1, state.FailingStreak);
    }

    [Fact]
    public async Task A_timed_out_probe_that_returns_its_output_has_it_after_the_message()
    {
        await using var h = new MonitorHarness(MonitorHarness.Config(timeout: TimeSpan.FromMilliseconds(1500)));
        h.Then(async ct =>
        {
            await ct.WhenCancelled();
            return (137, "waiting\n");
        });
        await h.NextStateAsync();
        h.Time.Advance(TimeSpan.FromSeconds(30));
        await h.ProbeStartedAsync();

        var state = await h.AdvanceToProbeAsync(TimeSpan.FromMilliseconds(1500));

        Assert.Equal((-1, "Health check exceeded timeout (1.5s): waiting\n"), (state.Log[0].ExitCode, state.Log[0].Output));
    }

    [Fact]
    public async Task A_probe_that_cannot_run_fails_with_exit_code_minus_one_and_the_reason()
    {
        await using var h = new MonitorHarness(MonitorHarness.Config())
            .Then(_ => throw new InvalidOperationException("container is not running"));
        await h.NextStateAsync();

        var state = await h.AdvanceToProbeAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((-1, "container is not running"), (state.Log[0].ExitCode, state.Log[0].Output));
    }

    [Fact]
    public async Task The_log_keeps_the_five_newest_results()
    {
        await using var h = new MonitorHarness(MonitorHarness.Config());
        for (var i = 1; i <= 7; i++)
        {
            h.Then(i % 2, "run " + i);
        }

        await h.NextStateAsync();
        HealthState state = HealthState.Initial;
        for (var i = 0; i < 7; i++)
        {
            state = await h.AdvanceToProbeAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(["run 3", "run 4", "run 5", "run 6", "run 7"], state.Log.Select(r => r.Output));
    }

    [Fact]
    public async Task Output_is_capped_at_4096_bytes_with_dots()
    {
        await using var h = new MonitorHarness(MonitorHarness.Config()).Then(0, new string('x', 5000));
        await h.NextStateAsync();

        var state = await h.AdvanceToProbeAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new string('x', 4096) + "...", state.Log[0].Output);
    }

    [Fact]
    public async Task Stopping_cancels_a_probe_under_way_and_drops_its_result()
    {
        var cancelled = new TaskCompletionSource();
        await using var h = new MonitorHarness(MonitorHarness.Config());
        h.Then(async ct =>
        {
            await ct.WhenCancelled();
            cancelled.SetResult();
            return (0, "");
        });
        await h.NextStateAsync();
        h.Time.Advance(TimeSpan.FromSeconds(30));
        await h.ProbeStartedAsync();

        await h.StopAsync();

        Assert.True(cancelled.Task.IsCompleted);
        Assert.Equal(HealthState.Starting, h.Monitor.State.Status);
    }
}

internal static class CancellationTokenExtensions
{
    public static Task WhenCancelled(this CancellationToken token)
    {
        var done = new TaskCompletionSource();
        token.Register(() => done.TrySetResult());
        return done.Task;
    }
}
