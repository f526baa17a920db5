using System.Diagnostics;
using System.Text.Json;
using Slipway.Runtime.Spec;

namespace Slipway.Runtime;

/// <summary>Runs one container to completion through an OCI runtime's CLI (<c>runc run</c> / <c>crun run</c>)
/// from a bundle directory holding config.json.</summary>
public sealed class OciRuntime
{
    private readonly string _path;
    private readonly string _stateRoot;

    /// <param name="path">The runtime binary.</param>
    /// <param name="stateRoot">The runtime's state directory (<c>--root</c>), kept inside Slipway's store so
    /// that Slipway's containers never mix with another tool's.</param>
    public OciRuntime(string path, string stateRoot)
    {
        _path = path;
        _stateRoot = stateRoot;
    }

    public string Name => Path.GetFileName(_path);

    public static async Task WriteSpecAsync(string bundleDir, RuntimeSpec spec, CancellationToken cancellationToken)
    {
        var file = Path.Join(bundleDir, "config.json");
        await using var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None);
        await JsonSerializer.SerializeAsync(stream, spec, RuntimeSpecJsonContext.Default.RuntimeSpec, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Runs the bundle's container and returns its exit code. Each line the process prints (stdout and
    /// stderr, interleaved as they arrive) goes to <paramref name="onOutput"/>.</summary>
    public async Task<int> RunAsync(string bundleDir, string containerId, Action<string> onOutput, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onOutput);
        Directory.CreateDirectory(_stateRoot);
        var start = new ProcessStartInfo(_path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["--root", _stateRoot, "run", "--bundle", bundleDir, containerId])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = new Process { StartInfo = start };
        var gate = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { onOutput(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { onOutput(e.Data); } } };
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
            await DeleteAsync(containerId).ConfigureAwait(false);
            throw;
        }

        // Flushes the asynchronous readers.
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>Force-removes a container left behind by a cancelled or crashed run.</summary>
    public async Task DeleteAsync(string containerId)
    {
        var start = new ProcessStartInfo(_path) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])["--root", _stateRoot, "delete", "--force", containerId])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start);
        if (process is not null)
        {
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
