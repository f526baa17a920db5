using System.Globalization;
using Slipway.Build.Engine;
using Slipway.Solver;

namespace Slipway.Cli.Output;

/// <summary><c>--progress=plain</c> as BuildKit prints it: <c>#N [stage i/n] INSTR</c>, the step's output lines
/// with their time (after <c>#N cache miss: WHY</c> when the step missed the cache), then <c>#N DONE 0.3s</c>, <c>#N CACHED</c> or <c>#N ERROR</c>.</summary>
internal sealed class PlainProgress(TextWriter output, bool quiet, TimeProvider time) : IBuildProgress
{
    private readonly Dictionary<Vertex, (int Number, DateTimeOffset Started)> _numbers = [];
    private readonly Lock _gate = new();
    private int _next;

    private int NumberOf(Vertex vertex)
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

    public void OnWarning(string message)
    {
        lock (_gate)
        {
            output.WriteLine($"WARNING: {message}");
        }
    }
}
