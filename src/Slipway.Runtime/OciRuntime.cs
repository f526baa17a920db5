using System.Diagnostics;
using System.Text.Json;
using Slipway.Runtime.Spec;

namespace Slipway.Runtime;

/// <summary>An OCI runtime driven through its CLI: <c>runc</c> or <c>crun</c> (they take the same commands), named by
/// its binary. Each run writes config.json (<see cref="SpecBuilder"/>) into the spec's bundle directory and runs
/// <c>&lt;runtime&gt; run</c> to completion. Which runtimes can run here at all is <see cref="RuntimeDetector"/>'s call
/// (crun refuses the hybrid cgroup layout).</summary>
public sealed class OciRuntime : IContainerRuntime
{
    private readonly string _path;
    private readonly string _stateRoot;

    /// <param name="path">The runtime binary.</param>
    /// <param name="stateRoot">The runtime's state directory (<c>--root</c>), kept inside Slipway's store so
    /// that Slipway's containers never mix with another tool's.</param>
    public OciRuntime(string path, string stateRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(stateRoot);
        _path = path;
        _stateRoot = stateRoot;
    }

    public string Name => Path.GetFileName(_path);

    private static async Task WriteSpecAsync(string bundleDir, RuntimeSpec spec, CancellationToken cancellationToken)
    {
        var file = Path.Join(bundleDir, "config.json");
        await using var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None);
        await JsonSerializer.SerializeAsync(stream, spec, RuntimeSpecJsonContext.Default.RuntimeSpec, cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<int> RunAsync(ContainerSpec spec, Action<OutputLine> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(output);
        var config = SpecBuilder.Build(spec.Process, spec.Rootfs, spec.Mounts, spec.Id);
        config.Root.Readonly = spec.ReadonlyRootfs;
        await WriteSpecAsync(spec.BundleDir, config, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(_stateRoot);
        var start = new ProcessStartInfo(_path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["--root", _stateRoot, "run", "--bundle", spec.BundleDir, spec.Id])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = new Process { StartInfo = start };
        var gate = new object();
        process.OutputDataReceived += (_, e) => Deliver(OutputChannel.Stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Deliver(OutputChannel.Stderr, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(process, spec.Id).ConfigureAwait(false);
            throw;
        }

        // Flushes the asynchronous readers.
        process.WaitForExit();
        return process.ExitCode;

        void Deliver(OutputChannel channel, string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    output(new OutputLine(channel, line));
                }
            }
        }
    }

    /// <summary>Kills a cancelled run's container and waits for the runtime's own process to end. The container
    /// may still be being created when the first delete runs (and then finds nothing), so delete is repeated until
    /// the runtime's process is gone; a runtime that will not end is killed.</summary>
    private async Task StopAsync(Process process, string containerId)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            await DeleteAsync(containerId, CancellationToken.None).ConfigureAwait(false);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (wait.IsCancellationRequested)
            {
            }
        }

        process.Kill(entireProcessTree: true);
        await DeleteAsync(containerId, CancellationToken.None).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string containerId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        var state = StatePath(containerId);
        if (!Directory.Exists(state))
        {
            return true;
        }

        var start = new ProcessStartInfo(_path) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])["--root", _stateRoot, "delete", "--force", containerId])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start);
        if (process is not null)
        {
            // The output is not wanted, but unread pipes could fill and stall the runtime.
            var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(cancellationToken), process.StandardError.ReadToEndAsync(cancellationToken));
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            await drain.ConfigureAwait(false);
        }

        return !Directory.Exists(state);
    }

    public IReadOnlyList<string> Containers(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return !Directory.Exists(_stateRoot) ? []
            : [.. Directory.EnumerateDirectories(_stateRoot).Select(Path.GetFileName).OfType<string>()
                .Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
    }

    public Task<int> ExecAsync(string containerId, StepProcess process, Action<OutputLine> output, CancellationToken cancellationToken) =>
        throw new NotSupportedException("exec is not written yet");

    public Task<int> ExecInteractiveAsync(string containerId, StepProcess process, bool tty, CancellationToken cancellationToken) =>
        throw new NotSupportedException("exec is not written yet");

    public Task<bool> KillAsync(string containerId, int signal, CancellationToken cancellationToken) =>
        throw new NotSupportedException("kill is not written yet");

    public Task<RuntimeContainerState?> StateAsync(string containerId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("state is not written yet");

    /// <summary>The runtime's state of one container: runc and crun both keep a directory per container id.</summary>
    private string StatePath(string containerId) =>
        containerId.Contains('/', StringComparison.Ordinal) || containerId is "." or ".."
            ? throw new ArgumentException($"not a container id: {containerId}", nameof(containerId))
            : Path.Join(_stateRoot, containerId);
}
