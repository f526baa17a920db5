using System.Runtime.InteropServices;

namespace Slipway.Cli;

/// <summary>SIGINT, SIGTERM and SIGHUP (a closed terminal) cancel the running command instead of ending the process
/// at once, so a build stops its container (runc delete --force), unmounts its overlays and removes its scratch
/// before it exits. The process then exits 128 + the signal's number, as a shell reports it. A third signal ends
/// the process without waiting, for a cleanup that hangs.</summary>
internal sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _received;

    public TerminationSignals()
    {
        foreach (var (signal, number) in new[] { (PosixSignal.SIGINT, 2), (PosixSignal.SIGTERM, 15), (PosixSignal.SIGHUP, 1) })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                if (Interlocked.Increment(ref _received) >= 3)
                {
                    return; // the default action: end now
                }

                context.Cancel = true;
                Signal ??= number;
                _cancel.Cancel();
            }));
        }
    }

    public CancellationToken Token => _cancel.Token;

    /// <summary>The number of the first signal received, if any.</summary>
    public int? Signal { get; private set; }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancel.Dispose();
    }
}
