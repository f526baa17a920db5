using Slipway.Images;

namespace Slipway.Cli.Output;

/// <summary><c>pull</c>'s lines as <c>docker pull</c> prints them: one line per layer, <c>abc123: Pulling fs layer</c>
/// … <c>Pull complete</c>. On a terminal each layer's line is redrawn in place, with a bar and its bytes while it
/// downloads (<c>Downloading [=====>    ]  12.6MB/45.1MB</c>); elsewhere only the changes of status, without the
/// byte counts, as docker leaves its bars out of a log.</summary>
internal sealed class PullLines(TextWriter output, bool terminal)
{
    private const int BarWidth = 50;
    private readonly List<string> _ids = [];
    private readonly Lock _gate = new();

    public void Report(PullProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (progress.What != "layer" || (!terminal && progress.Status == PullStatus.Downloading))
        {
            return;
        }

        var id = progress.Digest.ShortHex;
        var text = progress.Status == PullStatus.Downloading && progress.Total > 0
            ? $"{id}: {progress.Status} {Bar(progress.Current, progress.Total)}"
            : $"{id}: {progress.Status}";
        lock (_gate)
        {
            var index = _ids.IndexOf(id);
            if (!terminal || index < 0)
            {
                _ids.Add(id);
                output.WriteLine(text);
                return;
            }

            // Up to the layer's line, clear it, write, and back down below the last line (docker's cursor moves).
            var up = _ids.Count - index;
            output.Write($"\u001b[{up}A\r\u001b[2K{text}\r\u001b[{up}B");
            output.Flush();
        }
    }

    /// <summary>docker's progress bar: <c>[====&gt;   ]  12.6MB/45.1MB</c>.</summary>
    internal static string Bar(long current, long total)
    {
        var filled = (int)Math.Clamp(current * BarWidth / Math.Max(total, 1), 0, BarWidth);
        var bar = filled >= BarWidth ? new string('=', BarWidth) : new string('=', filled) + ">" + new string(' ', BarWidth - filled - 1);
        return $"[{bar}] {Units.HumanSize(current),8}/{Units.HumanSize(total)}";
    }
}
