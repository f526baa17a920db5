using System.Globalization;
using Slipway.Build.Engine;
using Slipway.Solver;

namespace Slipway.Cli.Output;

/// <summary><c>--progress=plain</c> as BuildKit prints it: <c>#N [stage i/n] INSTR</c>, the step's output lines
/// with their time (after <c>#N cache miss: WHY</c> when the step missed the cache), then <c>#N DONE 0.3s</c>, <c>#N CACHED</c> or <c>#N ERROR</c>.</summary>
internal sealed class PlainProgress(TextWriter output, bool quiet, TimeProvider time) : IBuildProgress
{
    /// <summary>BuildKit's plain printer skips a status line that moved less than this since the last one…</summary>
    private const double MinProgressDelta = 0.05;

    /// <summary>… unless this long has passed.</summary>
    private static readonly TimeSpan MinTimeDelta = TimeSpan.FromSeconds(5);

    private readonly Dictionary<object, (int Number, DateTimeOffset Started)> _numbers = [];
    private readonly Dictionary<string, PullTransfers> _pulls = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _next;

    /// <summary>A step's number, or a pull's (keyed by its image reference).</summary>
    private int NumberOf(object vertex)
    {
        if (!_numbers.TryGetValue(vertex, out var entry))
        {
            entry = (++_next, time.GetUtcNow());
            _numbers[vertex] = entry;
        }

        return entry.Number;
    }

    public void OnEvent(SolveEvent solveEvent)
    {
        ArgumentNullException.ThrowIfNull(solveEvent);
        if (quiet)
        {
            return;
        }

        lock (_gate)
        {
            var seen = _numbers.ContainsKey(solveEvent.Vertex);
            var n = NumberOf(solveEvent.Vertex);
            if (!seen)
            {
                output.WriteLine($"#{n} {solveEvent.Vertex.Name}");
            }

            if (solveEvent.Miss is { } miss and not MissReason.NoPreviousBuild)
            {
                output.WriteLine($"#{n} cache miss: {miss.Text}");
            }

            var end = solveEvent.State switch
            {
                VertexState.Cached => "CACHED",
                VertexState.Completed => $"DONE {solveEvent.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s",
                VertexState.Failed => $"ERROR: {solveEvent.Error}",
                VertexState.Canceled => "CANCELED",
                _ => null, // Started: the step has not ended.
            };
            if (end is not null)
            {
                output.WriteLine($"#{n} {end}");
                output.WriteLine();
            }
        }
    }

    public void OnOutput(StepVertex vertex, string line)
    {
        if (quiet)
        {
            return;
        }

        lock (_gate)
        {
            var n = NumberOf(vertex);
            var elapsed = (time.GetUtcNow() - _numbers[vertex].Started).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
            output.WriteLine($"#{n} {elapsed} {line}");
        }
    }

    public void OnPull(Slipway.Oci.ImageReference image, Slipway.Images.PullProgress progress)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (quiet)
        {
            return;
        }

        lock (_gate)
        {
            var now = time.GetUtcNow();
            var key = image.ToString();
            if (!_pulls.TryGetValue(key, out var pull))
            {
                pull = new PullTransfers(image, now);
                _pulls[key] = pull;
                output.WriteLine($"#{NumberOf(key)} {pull.Name}");
            }

            if (pull.Update(progress, now) is not { } transfer)
            {
                return;
            }

            if (transfer.Printed is { } last && !transfer.Done && transfer.Total > 0
                && (double)(transfer.Current - last.Current) / transfer.Total < MinProgressDelta && now - last.At < MinTimeDelta)
            {
                return;
            }

            transfer.Printed = (transfer.Current, now);
            output.WriteLine($"#{NumberOf(key)} {transfer.Text}");
        }
    }

    public void OnPulled(Slipway.Oci.ImageReference image, string? failure)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (quiet)
        {
            return;
        }

        lock (_gate)
        {
            var key = image.ToString();
            if (!_pulls.TryGetValue(key, out var pull))
            {
                // Failed before its first report (the registry never answered): the vertex is still shown.
                pull = new PullTransfers(image, time.GetUtcNow());
                _pulls[key] = pull;
                output.WriteLine($"#{NumberOf(key)} {pull.Name}");
            }

            var n = NumberOf(key);
            output.WriteLine(failure is null
                ? $"#{n} DONE {(time.GetUtcNow() - pull.Started).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s"
                : $"#{n} ERROR: {failure}");
            output.WriteLine();
        }
    }

    public void OnWarning(string message)
    {
        lock (_gate)
        {
            output.WriteLine($"WARNING: {message}");
        }
    }
}
