using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Slipway.Build.Containers.Health;
using Slipway.Oci;

namespace Slipway.Build.Tests.Containers.Health;

/// <summary>A <see cref="HealthMonitor"/> on a fake clock with a scripted probe: each probe takes the next step of
/// the script, and the test waits for the states the monitor reports.</summary>
internal sealed class MonitorHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly Channel<HealthState> _states = Channel.CreateUnbounded<HealthState>();
    private readonly Channel<DateTimeOffset> _probes = Channel.CreateUnbounded<DateTimeOffset>();
    private readonly Queue<Func<CancellationToken, Task<(int ExitCode, string Output)>>> _script = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    public MonitorHarness(HealthConfig config)
    {
        Monitor = new HealthMonitor(config, ProbeAsync, Time, Start);
        _run = Monitor.RunAsync(s => _states.Writer.TryWrite(s), _stop.Token);
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public HealthMonitor Monitor { get; }

    public int Probes { get; private set; }

    public static HealthConfig Config(TimeSpan? interval = null, TimeSpan? timeout = null, TimeSpan? startPeriod = null,
        TimeSpan? startInterval = null, int? retries = null) => new()
        {
            Test = ["CMD-SHELL", "curl -f http://localhost/"],
            Interval = interval,
            Timeout = timeout,
            StartPeriod = startPeriod,
            StartInterval = startInterval,
            Retries = retries,
        };

    public MonitorHarness Then(int exitCode, string output = "")
    {
        _script.Enqueue(_ => Task.FromResult((exitCode, output)));
        return this;
    }

    public MonitorHarness Then(Func<CancellationToken, Task<(int ExitCode, string Output)>> step)
    {
        _script.Enqueue(step);
        return this;
    }

    public async Task<HealthState> NextStateAsync() =>
        await _states.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    public async Task<DateTimeOffset> ProbeStartedAsync() =>
        await _probes.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    /// <summary>Moves the clock and returns the state the probe it triggers leads to.</summary>
    public async Task<HealthState> AdvanceToProbeAsync(TimeSpan by)
    {
        Time.Advance(by);
        return await NextStateAsync();
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _run.WaitAsync(Patience));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted)
        {
            await _stop.CancelAsync();
            try
            {
                await _run.WaitAsync(Patience);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
    }

    private Task<(int ExitCode, string Output)> ProbeAsync(CancellationToken cancellationToken)
    {
        Probes++;
        _probes.Writer.TryWrite(Time.GetUtcNow());
        var step = _script.Count > 0 ? _script.Dequeue() : _ => Task.FromResult((0, ""));
        return step(cancellationToken);
    }
}
