using System.Diagnostics;

namespace Slipway.Runtime;

/// <summary>A runtime process's redirected stdio: each output line to the callback, one call at a time, and stdin
/// fed from a stream (then closed) or closed at once. Wire it before <see cref="Process.Start()"/>, call
/// <see cref="Begin"/> after.</summary>
internal sealed class ProcessStreams : IDisposable
{
    private readonly Process _process;
    private readonly Action<OutputLine> _output;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stdin = new();

    public ProcessStreams(Process process, Action<OutputLine> output)
    {
        _process = process;
        _output = output;
        process.OutputDataReceived += (_, e) => Deliver(OutputChannel.Stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Deliver(OutputChannel.Stderr, e.Data);
    }

    public void Begin(Stream? stdin)
    {
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (stdin is null)
        {
            _process.StandardInput.Close();
            return;
        }

        // Not awaited: a process may end without reading all of it, and a terminal stdin may never end; Dispose
        // stops the copy. The pipe then closes with the process's end.
        _ = CopyAsync(stdin, _process.StandardInput, _stdin.Token);
    }

    private static async Task CopyAsync(Stream from, StreamWriter to, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to.BaseStream, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The process closed its stdin or ended: what it did not read is not wanted.
        }
        finally
        {
            try
            {
                to.Close();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
            }
        }
    }

    private void Deliver(OutputChannel channel, string? line)
    {
        if (line is not null)
        {
            lock (_gate)
            {
                _output(new OutputLine(channel, line));
            }
        }
    }

    public void Dispose()
    {
        _stdin.Cancel();
        _stdin.Dispose();
    }
}
