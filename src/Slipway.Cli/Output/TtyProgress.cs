using System.Diagnostics;
using Slipway.Build.Engine;
using Slipway.Solver;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Slipway.Cli.Output;

/// <summary>The live view on a terminal, like BuildKit's: one line per step with its state and time, the running
/// steps' last output lines beneath them, redrawn as the build moves.</summary>
internal sealed class TtyProgress : IBuildProgress
{
    private const int TailLines = 6;

    private readonly List<Row> _rows = [];
    private readonly Dictionary<object, Row> _byVertex = [];
    private readonly List<string> _warnings = [];
    private readonly Lock _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public Action Changed { get; set; } = () => { };

    private sealed class Row(int number, string name)
    {
        public int Number { get; } = number;

        public string Name { get; } = name;

        public string State { get; set; } = "";

        public TimeSpan Started { get; set; }

        public TimeSpan? Elapsed { get; set; }

        public MissReason? CacheMiss { get; set; }

        public Queue<string> Tail { get; } = new();

        /// <summary>For a base image's pull: its blobs' downloads, shown beneath it while it runs.</summary>
        public PullTransfers? Pull { get; set; }
    }

    public void OnEvent(SolveEvent solveEvent)
    {
        ArgumentNullException.ThrowIfNull(solveEvent);
        lock (_gate)
        {
            var row = RowOf(solveEvent.Vertex);
            row.CacheMiss ??= solveEvent.Miss;
            row.State = solveEvent.State switch
            {
                VertexState.Started => "running",
                VertexState.Cached => "CACHED",
                VertexState.Completed => "DONE",
                VertexState.Failed => "ERROR",
                _ => "CANCELED",
            };
            if (solveEvent.State != VertexState.Started)
            {
                row.Elapsed = solveEvent.Elapsed;
                if (solveEvent.State != VertexState.Failed)
                {
                    row.Tail.Clear();
                }
            }
        }

        Changed();
    }

    public void OnOutput(StepVertex vertex, string line)
    {
        lock (_gate)
        {
            var tail = RowOf(vertex).Tail;
            tail.Enqueue(line);
            if (tail.Count > TailLines)
            {
                tail.Dequeue();
            }
        }

        Changed();
    }

    public void OnWarning(string message)
    {
        lock (_gate)
        {
            _warnings.Add(message);
        }

        Changed();
    }

    public void OnPull(Slipway.Oci.ImageReference image, Slipway.Images.PullProgress progress)
    {
        ArgumentNullException.ThrowIfNull(image);
        lock (_gate)
        {
            var row = PullRow(image);
            row.Pull!.Update(progress, row.Pull.Started + (_clock.Elapsed - row.Started));
        }

        Changed();
    }

    public void OnPulled(Slipway.Oci.ImageReference image, string? failure)
    {
        ArgumentNullException.ThrowIfNull(image);
        lock (_gate)
        {
            var row = PullRow(image);
            row.State = failure is null ? "DONE" : "ERROR";
            row.Elapsed = _clock.Elapsed - row.Started;
            if (failure is not null)
            {
                row.Tail.Enqueue(failure);
            }
        }

        Changed();
    }

    private Row PullRow(Slipway.Oci.ImageReference image)
    {
        var key = "pull " + image;
        if (!_byVertex.ContainsKey(key))
        {
            var pull = new PullTransfers(image, DateTimeOffset.UnixEpoch);
            var row = RowOf(key, pull.Name);
            row.State = "running";
            row.Pull = pull;
        }

        return _byVertex[key];
    }

    private Row RowOf(Vertex vertex) => RowOf(vertex, vertex.Name);

    private Row RowOf(object vertex, string name)
    {
        if (!_byVertex.TryGetValue(vertex, out var row))
        {
            row = new Row(_rows.Count + 1, name) { Started = _clock.Elapsed };
            _rows.Add(row);
            _byVertex[vertex] = row;
        }

        return row;
    }

    public IRenderable Render()
    {
        lock (_gate)
        {
            var lines = new List<IRenderable>
            {
                new Markup($"[bold]Building {_clock.Elapsed.TotalSeconds:0.0}s[/] ({_rows.Count(r => r.Elapsed is not null)}/{_rows.Count})"),
            };
            foreach (var row in _rows)
            {
                var time = (row.Elapsed ?? (_clock.Elapsed - row.Started)).TotalSeconds;
                var colour = row.State switch
                {
                    "ERROR" => "red",
                    "CACHED" => "grey",
                    "DONE" => "blue",
                    _ => "yellow",
                };
                lines.Add(new Markup($"[{colour}] => {Markup.Escape(row.Name)}  {(row.State == "CACHED" ? "CACHED" : $"{time:0.0}s")}[/]"));
                if (row.CacheMiss is { } miss and not MissReason.NoPreviousBuild)
                {
                    lines.Add(new Markup($"[grey] => => cache miss: {Markup.Escape(miss.Text)}[/]"));
                }
                if (row.Pull is { } pull && row.Elapsed is null)
                {
                    foreach (var transfer in pull.Transfers)
                    {
                        lines.Add(new Markup($"[grey] => => {Markup.Escape(transfer.Text)}[/]"));
                    }
                }

                foreach (var output in row.Tail)
                {
                    lines.Add(new Markup($"[grey] => => {Markup.Escape(output)}[/]"));
                }
            }

            foreach (var warning in _warnings)
            {
                lines.Add(new Markup($"[yellow]WARNING: {Markup.Escape(warning)}[/]"));
            }

            return new Rows(lines);
        }
    }
}
