using System.Text;
using System.Text.Json;
using Slipway.Build.Engine;
using Slipway.Solver;

namespace Slipway.Cli.Output;

/// <summary><c>--progress=rawjson</c>: one BuildKit SolveStatus JSON object a line — <c>vertexes</c> with digest, name,
/// started, completed, cached, error and (ours) cacheMiss, and <c>logs</c> with the vertex, stream and base64 data.</summary>
internal sealed class RawJsonProgress(TextWriter output, TimeProvider time) : IBuildProgress
{
    private readonly Dictionary<Vertex, DateTimeOffset> _started = [];
    private readonly Dictionary<string, PullTransfers> _pulls = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void OnEvent(SolveEvent solveEvent)
    {
        ArgumentNullException.ThrowIfNull(solveEvent);
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (!_started.TryGetValue(solveEvent.Vertex, out var started))
            {
                started = now - solveEvent.Elapsed;
                _started[solveEvent.Vertex] = started;
            }

            Write(w =>
            {
                w.WriteStartArray("vertexes");
                w.WriteStartObject();
                w.WriteString("digest", solveEvent.Vertex.OperationDigest.Value);
                w.WriteString("name", solveEvent.Vertex.Name);
                if (solveEvent.CacheKey is { } key)
                {
                    w.WriteString("cacheKey", key.Value);
                }

                w.WriteString("started", started);
                if (solveEvent.State is not VertexState.Started)
                {
                    w.WriteString("completed", now);
                }

                if (solveEvent.State == VertexState.Cached)
                {
                    w.WriteBoolean("cached", true);
                }

                if (solveEvent.CacheMiss is { } miss)
                {
                    // Not in BuildKit's SolveStatus: what changed since the step's last build.
                    w.WriteString("cacheMiss", miss);
                }

                if (solveEvent.Error is { } error)
                {
                    w.WriteString("error", error);
                }
                else if (solveEvent.State == VertexState.Canceled)
                {
                    w.WriteString("error", "context canceled");
                }

                w.WriteEndObject();
                w.WriteEndArray();
            });
        }
    }

    public void OnOutput(StepVertex vertex, string line)
    {
        ArgumentNullException.ThrowIfNull(vertex);
        lock (_gate)
        {
            Write(w =>
            {
                w.WriteStartArray("logs");
                w.WriteStartObject();
                w.WriteString("vertex", vertex.OperationDigest.Value);
                w.WriteNumber("stream", 1);
                w.WriteBase64String("data", Encoding.UTF8.GetBytes(line + "\n"));
                w.WriteString("timestamp", time.GetUtcNow());
                w.WriteEndObject();
                w.WriteEndArray();
            });
        }
    }

    /// <summary>A pull is a vertex of its own; each blob's download a status on it (<c>id</c> the blob's digest,
    /// <c>current</c>/<c>total</c> bytes), as BuildKit reports a FROM's downloads.</summary>
    public void OnPull(Slipway.Oci.ImageReference image, Slipway.Images.PullProgress progress)
    {
        ArgumentNullException.ThrowIfNull(image);
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var pull = PullOf(image, now, out var first);
            if (first)
            {
                WritePullVertex(pull, completed: null, error: null);
            }

            if (pull.Update(progress, now) is not { } transfer)
            {
                return;
            }

            Write(w =>
            {
                w.WriteStartArray("statuses");
                w.WriteStartObject();
                w.WriteString("id", transfer.Digest.Value);
                w.WriteString("vertex", pull.VertexDigest.Value);
                w.WriteNumber("total", transfer.Total);
                w.WriteNumber("current", transfer.Current);
                w.WriteString("timestamp", now);
                w.WriteString("started", transfer.Started);
                if (transfer.Done)
                {
                    w.WriteString("completed", now);
                }

                w.WriteEndObject();
                w.WriteEndArray();
            });
        }
    }

    public void OnPulled(Slipway.Oci.ImageReference image, string? failure)
    {
        ArgumentNullException.ThrowIfNull(image);
        lock (_gate)
        {
            var now = time.GetUtcNow();
            WritePullVertex(PullOf(image, now, out _), now, failure);
        }
    }

    private PullTransfers PullOf(Slipway.Oci.ImageReference image, DateTimeOffset now, out bool first)
    {
        first = !_pulls.TryGetValue(image.ToString(), out var pull);
        if (pull is null)
        {
            pull = new PullTransfers(image, now);
            _pulls[image.ToString()] = pull;
        }

        return pull;
    }

    private void WritePullVertex(PullTransfers pull, DateTimeOffset? completed, string? error) => Write(w =>
    {
        w.WriteStartArray("vertexes");
        w.WriteStartObject();
        w.WriteString("digest", pull.VertexDigest.Value);
        w.WriteString("name", pull.Name);
        w.WriteString("started", pull.Started);
        if (completed is { } at)
        {
            w.WriteString("completed", at);
        }

        if (error is not null)
        {
            w.WriteString("error", error);
        }

        w.WriteEndObject();
        w.WriteEndArray();
    });

    public void OnWarning(string message)
    {
        lock (_gate)
        {
            Write(w =>
            {
                w.WriteStartArray("warnings");
                w.WriteStartObject();
                w.WriteNumber("level", 1);
                w.WriteBase64String("short", Encoding.UTF8.GetBytes(message));
                w.WriteEndObject();
                w.WriteEndArray();
            });
        }
    }

    private void Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
