using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Slipway.Oci;
using Slipway.Runtime;

namespace Slipway.Build.Containers.Logs;

/// <summary>A container's output in docker's json-file format (daemon/logger/jsonfilelog): one JSON object a line,
/// <c>{"log":"text\n","stream":"stdout","time":"2026-12-03T23:38:12.1234567Z"}</c>, written as docker writes it
/// (its escaping, RFC 3339 UTC times with the fraction's trailing zeros dropped), so docker's tools read it and
/// it reads docker's.</summary>
public static class JsonFileLog
{
    /// <summary>How often a follower looks for new lines and asks whether the container still runs.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Appends to the log at <paramref name="path"/>, creating it (mode 0640, as docker's).</summary>
    public static JsonFileLogWriter Writer(string path) => new(path);

    /// <summary>Reads the entries <paramref name="query"/> asks for, streaming: the tail is found by reading the
    /// file backwards from its end, never by holding it. With <see cref="LogQuery.Follow"/> it then waits for new
    /// entries until <paramref name="stillRunning"/> says the container stopped (what was written by then is read
    /// first) or <paramref name="cancellationToken"/> is cancelled. A log that does not exist yet is empty.</summary>
    public static async IAsyncEnumerable<LogEntry> ReadAsync(string path, LogQuery query, Func<bool> stillRunning,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(stillRunning);
        FileStream? file = null;
        try
        {
            var stopped = false;
            var pending = new List<byte>();
            var buffer = new byte[64 * 1024];
            while (true)
            {
                if (file is null && File.Exists(path))
                {
                    file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
                    file.Position = query.Tail switch
                    {
                        null => 0,
                        <= 0 => file.Length,
                        { } n => await StartOfLastLinesAsync(file, n, cancellationToken).ConfigureAwait(false),
                    };
                }

                if (file is not null)
                {
                    int read;
                    while ((read = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        var start = 0;
                        for (var i = 0; i < read; i++)
                        {
                            if (buffer[i] != (byte)'\n')
                            {
                                continue;
                            }

                            var line = Line(pending, buffer.AsSpan(start, i - start));
                            start = i + 1;
                            if (Parse(line) is not { } entry)
                            {
                                continue; // a line cut short by a crash, or not docker's shape: skipped
                            }

                            if (query.Past(entry.Time))
                            {
                                yield break;
                            }

                            if (query.After(entry.Time))
                            {
                                yield return entry;
                            }
                        }

                        // A line the writer has not finished yet: kept until its newline arrives.
                        pending.AddRange(buffer.AsSpan(start, read - start));
                    }
                }

                if (!query.Follow || stopped)
                {
                    yield break;
                }

                // Asked before the last read, so that lines written before the container stopped are not missed.
                stopped = !stillRunning();
                if (!stopped)
                {
                    await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (file is not null)
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The offset where the last <paramref name="count"/> lines begin, found by reading blocks backwards
    /// from the end (the newline that ends the last line is not a line of its own).</summary>
    internal static async Task<long> StartOfLastLinesAsync(FileStream file, int count, CancellationToken cancellationToken)
    {
        var length = file.Length;
        var block = new byte[64 * 1024];
        var end = length;
        var seen = 0;
        var skipFinal = true;
        while (end > 0)
        {
            var size = (int)Math.Min(block.Length, end);
            var start = end - size;
            file.Position = start;
            await file.ReadExactlyAsync(block.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
            for (var i = size - 1; i >= 0; i--)
            {
                if (block[i] != (byte)'\n')
                {
                    skipFinal = false;
                    continue;
                }

                if (skipFinal)
                {
                    skipFinal = false;
                    continue;
                }

                if (++seen == count)
                {
                    return start + i + 1;
                }
            }

            end = start;
        }

        return 0;
    }

    private static byte[] Line(List<byte> pending, ReadOnlySpan<byte> rest)
    {
        if (pending.Count == 0)
        {
            return rest.ToArray();
        }

        pending.AddRange(rest);
        var line = pending.ToArray();
        pending.Clear();
        return line;
    }

    internal static LogEntry? Parse(byte[] line)
    {
        try
        {
            var json = JsonSerializer.Deserialize(line, JsonFileLogContext.Default.JsonFileLine);
            if (json?.Time is not { } time)
            {
                return null;
            }

            var channel = json.Stream == "stderr" ? OutputChannel.Stderr : OutputChannel.Stdout;
            return new LogEntry(channel, time, json.Log ?? "");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>One entry exactly as docker's <c>JSONLogs.MarshalJSONBuf</c> writes it, with its newline.</summary>
    public static string Encode(OutputChannel channel, string message, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = new StringBuilder(message.Length + 80);
        text.Append('{');
        if (message.Length > 0)
        {
            text.Append("\"log\":");
            AppendString(text, message);
            text.Append(',');
        }

        text.Append("\"stream\":\"").Append(channel == OutputChannel.Stderr ? "stderr" : "stdout").Append("\",");
        text.Append("\"time\":\"").Append(Rfc3339TimeConverter.Format(time)).Append("\"}\n");
        return text.ToString();
    }

    /// <summary>docker's <c>ffjsonWriteJSONBytesAsString</c>: <c>\"</c>, <c>\\</c>, <c>\n</c>, <c>\r</c>, other
    /// control characters and <c>&lt; &gt; &amp;</c> as <c>\u00XX</c>, U+2028 and U+2029 escaped, the rest as is.</summary>
    private static void AppendString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"' or '\\':
                    text.Append('\\').Append(c);
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case < ' ' or '<' or '>' or '&' or '\u2028' or '\u2029':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        text.Append('"');
    }
}

/// <summary>A json-file line as read (docker's <c>jsonlog.JSONLog</c>).</summary>
internal sealed record JsonFileLine
{
    [JsonPropertyName("log")]
    public string? Log { get; init; }

    [JsonPropertyName("stream")]
    public string? Stream { get; init; }

    [JsonPropertyName("time")]
    [JsonConverter(typeof(Rfc3339TimeConverter))]
    public DateTimeOffset? Time { get; init; }

    [JsonPropertyName("attrs")]
    public IReadOnlyDictionary<string, string>? Attrs { get; init; }
}

[JsonSerializable(typeof(JsonFileLine))]
internal sealed partial class JsonFileLogContext : JsonSerializerContext;
