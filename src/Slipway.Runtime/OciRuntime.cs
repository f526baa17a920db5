using System.Diagnostics;
using System.Text.Json;
using Slipway.Runtime.Spec;

namespace Slipway.Runtime;

/// <summary>An OCI runtime driven through its CLI: <c>runc</c> or <c>crun</c> (they take the same commands), named by
/// its binary. Each run writes config.json (<see cref="SpecBuilder"/>) into the spec's bundle directory and runs
/// <c>&lt;runtime&gt; run</c> to completion. Which runtimes can run here at all is <see cref="RuntimeDetector"/>'s call
/// (crun refuses the hybrid cgroup layout).</summary>
public sealed partial class OciRuntime : IContainerRuntime
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
        using var process = new Process { StartInfo = StartInfo(!spec.InheritStdio, "run", "--bundle", spec.BundleDir, spec.Id) };
        using var streams = spec.InheritStdio ? null : new ProcessStreams(process, output);
        process.Start();
        streams?.Begin(spec.Stdin);
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
    }

    /// <summary>The runtime's command line (<c>--root</c> first), its stdio redirected or the caller's.</summary>
    private ProcessStartInfo StartInfo(bool redirect, params ReadOnlySpan<string> args)
    {
        var start = new ProcessStartInfo(_path)
        {
            RedirectStandardOutput = redirect,
            RedirectStandardError = redirect,
            RedirectStandardInput = redirect,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--root");
        start.ArgumentList.Add(_stateRoot);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>Runs a short runtime command to its end; its exit code, stdout and stderr.</summary>
    private async Task<(int Exit, string Stdout, string Stderr)> CommandAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var process = Process.Start(StartInfo(true, args)) ?? throw new InvalidOperationException($"cannot start {_path}");
        process.StandardInput.Close();
        // Both pipes are read at once: an unread one could fill and stall the runtime.
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
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

        await CommandAsync(cancellationToken, "delete", "--force", containerId).ConfigureAwait(false);
        return !Directory.Exists(state);
    }

    public IReadOnlyList<string> Containers(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return !Directory.Exists(_stateRoot) ? []
            : [.. Directory.EnumerateDirectories(_stateRoot).Select(Path.GetFileName).OfType<string>()
                .Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
    }

    /// <summary>The runtime's state of one container: runc and crun both keep a directory per container id.</summary>
    private string StatePath(string containerId) =>
        containerId.Contains('/', StringComparison.Ordinal) || containerId is "." or ".."
            ? throw new ArgumentException($"not a container id: {containerId}", nameof(containerId))
            : Path.Join(_stateRoot, containerId);
}
