using System.Text;
using Slipway.Oci;

namespace Slipway.Build.Containers.Health;

/// <summary>Runs a container's HEALTHCHECK with dockerd's semantics (daemon/health.go). The first probe comes one
/// interval after the monitor starts — the start interval while the start period lasts and the container is still
/// starting. Each probe has <see cref="HealthSettings.Timeout"/>; one that runs out is cancelled, awaited, and
/// recorded with exit code -1 and docker's <c>Health check exceeded timeout (30s)</c> output. A success makes the
/// container healthy and clears the failing streak; a failure adds to the streak — except while the container is
/// starting and the probe began inside the start period — and a streak of <see cref="HealthSettings.Retries"/>
/// makes it unhealthy. The next probe is one interval after the previous one ended. Output is capped at 4096 bytes
/// with <c>...</c> appended, and the log keeps the last five results.</summary>
public sealed class HealthMonitor
{
    /// <summary>Results docker keeps in <c>State.Health.Log</c>.</summary>
    public const int MaxLogEntries = 5;

    /// <summary>Bytes of a probe's output docker keeps (<c>maxOutputLen</c>).</summary>
    public const int MaxOutputBytes = 4096;

    private readonly HealthSettings _settings;
    private readonly Func<CancellationToken, Task<(int ExitCode, string Output)>> _probe;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _startedAt;

    /// <param name="config">The container's HEALTHCHECK; one without a probe (<see cref="HealthSettings.HasProbe"/>)
    /// is refused: such a container gets no monitor, as in docker.</param>
    /// <param name="probe">Runs the test once in the container and gives its exit code and combined output;
    /// cancelling the token must stop it (it may then throw <see cref="OperationCanceledException"/> or return what
    /// it has). Any other exception is a failed probe with exit code -1 and the exception's message.</param>
    /// <param name="time">The clock: probes are timed by it and their Start and End read from it.</param>
    /// <param name="startedAt">When the container started: the start period counts from here.</param>
    public HealthMonitor(HealthConfig config, Func<CancellationToken, Task<(int ExitCode, string Output)>> probe,
        TimeProvider time, DateTimeOffset startedAt)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(time);
        if (!HealthSettings.HasProbe(config))
        {
            throw new ArgumentException("the health check has no probe (NONE, empty or of an unknown kind)", nameof(config));
        }

        _settings = HealthSettings.From(config);
        _probe = probe;
        _time = time;
        _startedAt = startedAt;
    }

    /// <summary>The state after the last probe (<see cref="HealthState.Initial"/> before the first).</summary>
    public HealthState State { get; private set; } = HealthState.Initial;

    /// <summary>Probes until <paramref name="cancellationToken"/> is cancelled, then throws
    /// <see cref="OperationCanceledException"/> (a probe under way is cancelled and awaited first, and its result
    /// dropped, as docker drops it). <paramref name="onChange"/> gets the starting state at once and the new state
    /// after every probe: each probe adds a log entry, so each changes the state.</summary>
    public async Task RunAsync(Action<HealthState> onChange, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        // The wait for the next probe starts before onChange is told, so whoever reacts to a state (a test moving
        // a fake clock) finds the next probe already scheduled.
        var wait = Task.Delay(NextInterval(), _time, cancellationToken);
        onChange(State);
        while (true)
        {
            await wait.ConfigureAwait(false);
            var result = await ProbeOnceAsync(cancellationToken).ConfigureAwait(false);
            State = Apply(State, result, _settings, _startedAt);
            wait = Task.Delay(NextInterval(), _time, cancellationToken);
            onChange(State);
        }
    }

    /// <summary>docker's <c>getInterval</c>: the start interval while inside the start period and still starting.</summary>
    private TimeSpan NextInterval() =>
        _time.GetUtcNow() - _startedAt < _settings.StartPeriod && State.Status == HealthState.Starting
            ? _settings.StartInterval
            : _settings.Interval;

    private async Task<HealthResult> ProbeOnceAsync(CancellationToken cancellationToken)
    {
        var start = _time.GetUtcNow();
        using var timeout = new CancellationTokenSource(_settings.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        int exitCode;
        string output;
        try
        {
            (exitCode, output) = await _probe(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            (exitCode, output) = (0, "");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new HealthResult(start, _time.GetUtcNow(), -1, ex.Message);
        }

        cancellationToken.ThrowIfCancellationRequested();
        output = Cap(output);
        if (timeout.IsCancellationRequested)
        {
            var message = $"Health check exceeded timeout ({GoDurationText.Format(_settings.Timeout)})";
            return new HealthResult(start, _time.GetUtcNow(), -1, output.Length == 0 ? message : message + ": " + output);
        }

        return new HealthResult(start, _time.GetUtcNow(), exitCode, output);
    }

    /// <summary>docker's <c>handleProbeResult</c>: the result logged, the streak and status updated.</summary>
    internal static HealthState Apply(HealthState state, HealthResult result, HealthSettings settings, DateTimeOffset startedAt)
    {
        var log = state.Log.Append(result).TakeLast(MaxLogEntries).ToList();
        if (result.ExitCode == 0)
        {
            return new HealthState { Status = HealthState.Healthy, FailingStreak = 0, Log = log };
        }

        // A failure while starting, of a probe begun inside the start period, does not count.
        var counts = state.Status != HealthState.Starting || result.Start - startedAt >= settings.StartPeriod;
        if (!counts)
        {
            return state with { Log = log };
        }

        var streak = state.FailingStreak + 1;
        return new HealthState
        {
            Status = streak >= settings.Retries ? HealthState.Unhealthy : state.Status,
            FailingStreak = streak,
            Log = log,
        };
    }

    /// <summary>docker's <c>limitedBuffer</c>: the first 4096 bytes, and <c>...</c> when there was more. A character
    /// cut in two becomes U+FFFD, as Go's JSON encoder writes the invalid byte sequence docker keeps.</summary>
    internal static string Cap(string output)
    {
        if (Encoding.UTF8.GetByteCount(output) <= MaxOutputBytes)
        {
            return output;
        }

        var bytes = Encoding.UTF8.GetBytes(output);
        return Encoding.UTF8.GetString(bytes, 0, MaxOutputBytes) + "...";
    }
}
