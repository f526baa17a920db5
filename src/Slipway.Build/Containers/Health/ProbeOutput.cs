using System.Text;

namespace Slipway.Build.Containers.Health;

/// <summary>Collects a probe's output lines (stdout and stderr together, as docker gives both to one buffer) and
/// keeps only what <see cref="HealthMonitor"/> keeps, so a chatty probe cannot fill memory.</summary>
public sealed class ProbeOutput
{
    private readonly StringBuilder _text = new();
    private int _bytes;
    private bool _truncated;

    /// <summary>Adds one line, with the newline the process printed after it.</summary>
    public void Add(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (_truncated)
        {
            return;
        }

        var text = line + "\n";
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (_bytes + bytes <= HealthMonitor.MaxOutputBytes)
        {
            _text.Append(text);
            _bytes += bytes;
            return;
        }

        // Keep the bytes that still fit; Cap cuts them where docker does and marks the loss.
        _text.Append(text);
        _truncated = true;
    }

    public override string ToString() => HealthMonitor.Cap(_text.ToString());
}
