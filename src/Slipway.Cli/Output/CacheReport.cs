using Slipway.Build.Engine;
using Slipway.Solver;

namespace Slipway.Cli.Output;

/// <summary><c>build --explain-cache</c>: passes every event on to the progress renderer and remembers how each
/// step ended and why it missed, for a report after the build.</summary>
internal sealed class CacheReport(IBuildProgress inner) : IBuildProgress
{
    private readonly List<Vertex> _order = [];
    private readonly Dictionary<Vertex, (string State, string? Miss)> _steps = [];
    private readonly Lock _gate = new();

    public void OnEvent(SolveEvent solveEvent)
    {
        ArgumentNullException.ThrowIfNull(solveEvent);
        lock (_gate)
        {
            if (!_steps.TryGetValue(solveEvent.Vertex, out var step))
            {
                _order.Add(solveEvent.Vertex);
                step = ("", null);
            }

            _steps[solveEvent.Vertex] = (solveEvent.State switch
            {
                VertexState.Cached => "CACHED",
                VertexState.Started or VertexState.Completed => "MISS",
                VertexState.Failed => "ERROR",
                _ => "CANCELED",
            }, solveEvent.CacheMiss ?? step.Miss);
        }

        inner.OnEvent(solveEvent);
    }

    public void OnOutput(StepVertex vertex, string line) => inner.OnOutput(vertex, line);

    public void OnWarning(string message) => inner.OnWarning(message);

    public void OnPull(Slipway.Oci.ImageReference image, Slipway.Images.PullProgress progress) => inner.OnPull(image, progress);

    public void OnPulled(Slipway.Oci.ImageReference image, string? failure) => inner.OnPulled(image, failure);

    /// <summary>One line a step, in the order the steps were reached: <c>CACHED [stage 2/5] COPY …</c> or
    /// <c>MISS   [stage 3/5] RUN … — file a.txt changed content</c>.</summary>
    public void Write(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_gate)
        {
            output.WriteLine("Cache report:");
            foreach (var vertex in _order)
            {
                var (state, miss) = _steps[vertex];
                output.WriteLine(miss is null ? $"  {state,-6} {vertex.Name}" : $"  {state,-6} {vertex.Name} — {miss}");
            }

            var hits = _steps.Values.Count(s => s.State == "CACHED");
            output.WriteLine($"  {hits} of {_steps.Count} steps cached");
        }
    }
}
