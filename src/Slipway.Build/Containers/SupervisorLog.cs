using System.Globalization;
using System.Text;
using System.Text.Json;
using Slipway.Runtime;

namespace Slipway.Build.Containers;

/// <summary>The container's output as docker's json-file driver writes it: one JSON object per line,
/// <c>{"log":"text\n","stream":"stdout","time":"2026-12-03T10:00:00.123456789Z"}</c>, appended and flushed line by line
/// so that <c>logs -f</c> sees each line as it comes.</summary>
internal sealed class SupervisorLog : IDisposable
{
    private readonly FileStream _file;
    private readonly Lock _gate = new();

    public SupervisorLog(string path)
    {
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
    }

    public void Write(OutputChannel channel, string line, DateTimeOffset time)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("log", line + "\n");
            w.WriteString("stream", channel == OutputChannel.Stderr ? "stderr" : "stdout");
            w.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        lock (_gate)
        {
            _file.Write(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            _file.Flush();
        }
    }

    public void Dispose() => _file.Dispose();
}
