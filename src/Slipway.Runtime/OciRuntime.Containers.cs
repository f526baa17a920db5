using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Slipway.Runtime.Spec;

namespace Slipway.Runtime;

/// <summary>The calls on a container that stays: exec, kill, state.</summary>
public sealed partial class OciRuntime
{
    public Task<int> ExecAsync(string containerId, StepProcess process, Action<OutputLine> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        return ExecProcessAsync(containerId, process, output, cancellationToken);
    }

    public Task<int> ExecInteractiveAsync(string containerId, StepProcess process, bool tty, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(process);
        return ExecProcessAsync(containerId, process with { Terminal = tty }, null, cancellationToken);
    }

    /// <summary><c>runc exec --process</c> with the process spec SpecBuilder gives a container's first process;
    /// output to <paramref name="output"/>, or the caller's stdio when it is null. The exec'd process's pid (from
    /// <c>--pid-file</c>) is what a cancel kills: the runtime forwards catchable signals only, and killing the
    /// runtime would leave the process running.</summary>
    private async Task<int> ExecProcessAsync(string containerId, StepProcess step, Action<OutputLine>? output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        StatePath(containerId);
        var dir = Directory.CreateDirectory(_stateRoot + "-exec").FullName;
        var name = containerId + "-" + Guid.NewGuid().ToString("N")[..12];
        var processFile = Path.Join(dir, name + ".json");
        var pidFile = Path.Join(dir, name + ".pid");
        try
        {
            await using (var stream = new FileStream(processFile, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                await JsonSerializer.SerializeAsync(stream, SpecBuilder.Process(step), RuntimeSpecJsonContext.Default.ProcessSpec, cancellationToken)
                    .ConfigureAwait(false);
            }

            using var process = new Process { StartInfo = StartInfo(output is not null, "exec", "--process", processFile, "--pid-file", pidFile, containerId) };
            using var streams = output is null ? null : new ProcessStreams(process, output);
            process.Start();
            streams?.Begin(null);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await KillExecAsync(process, pidFile).ConfigureAwait(false);
                throw;
            }

            process.WaitForExit();
            return process.ExitCode;
        }
        finally
        {
            File.Delete(processFile);
            File.Delete(pidFile);
        }
    }

    /// <summary>Kills a cancelled exec's process by its pid once the runtime has written it (it may still be
    /// starting), and waits for the runtime to end with it; a runtime that will not end is killed.</summary>
    private static async Task KillExecAsync(Process runtime, string pidFile)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            if (ReadPid(pidFile) is { } pid)
            {
                try
                {
                    using var target = Process.GetProcessById(pid);
                    target.Kill();
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
                {
                    // Already gone.
                }
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await runtime.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (wait.IsCancellationRequested)
            {
            }
        }

        runtime.Kill(entireProcessTree: true);
    }

    private static int? ReadPid(string pidFile)
    {
        try
        {
            return int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public async Task<bool> KillAsync(string containerId, int signal, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(signal);
        if (await StateAsync(containerId, cancellationToken).ConfigureAwait(false) is not { Status: not "stopped" })
        {
            return false;
        }

        var (exit, _, stderr) = await CommandAsync(cancellationToken, "kill", containerId, signal.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        if (exit == 0)
        {
            return true;
        }

        // It may have stopped between the two calls.
        return await StateAsync(containerId, cancellationToken).ConfigureAwait(false) is { Status: not "stopped" }
            ? throw new InvalidOperationException($"{Name} kill {containerId} {signal} failed (exit {exit}): {stderr.Trim()}")
            : false;
    }

    public async Task<RuntimeContainerState?> StateAsync(string containerId, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(StatePath(containerId)))
        {
            return null;
        }

        var (exit, stdout, stderr) = await CommandAsync(cancellationToken, "state", containerId).ConfigureAwait(false);
        if (exit != 0)
        {
            // Deleted between the check and the call.
            return Directory.Exists(StatePath(containerId))
                ? throw new InvalidOperationException($"{Name} state {containerId} failed (exit {exit}): {stderr.Trim()}")
                : null;
        }

        var state = JsonSerializer.Deserialize(stdout, RuntimeSpecJsonContext.Default.RuntimeStateOutput)
            ?? throw new InvalidOperationException($"{Name} state {containerId} printed nothing");
        // A stopped container's pid is its former first process's, perhaps reused by now: not to be signalled.
        return new RuntimeContainerState(state.Status, state.Status == "stopped" ? 0 : state.Pid);
    }
}
