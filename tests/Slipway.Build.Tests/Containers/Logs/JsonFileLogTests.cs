using System.Text;
using Slipway.Build.Containers.Logs;
using Slipway.Runtime;

namespace Slipway.Build.Tests.Containers.Logs;

public sealed class JsonFileLogTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("slipway-log-").FullName;

    private string Path => System.IO.Path.Join(_dir, "container.log");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void An_entry_is_written_as_docker_writes_it()
    {
        using (var writer = JsonFileLog.Writer(Path))
        {
            writer.Write(OutputChannel.Stdout, "hello", At.AddTicks(1234560));
            writer.Write(OutputChannel.Stderr, "oops", At);
        }

        Assert.Equal(
            "{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"2026-12-03T12:00:00.123456Z\"}\n" +
            "{\"log\":\"oops\\n\",\"stream\":\"stderr\",\"time\":\"2026-12-03T12:00:00Z\"}\n",
            File.ReadAllText(Path));
    }

    [Fact]
    public void Text_is_escaped_as_dockers_encoder_escapes_it()
    {
        var line = JsonFileLog.Encode(OutputChannel.Stdout, "a\"b\\c\t<d>&\r\u2028é\n", At);

        Assert.Equal("{\"log\":\"a\\\"b\\\\c\\u0009\\u003cd\\u003e\\u0026\\r\\u2028é\\n\",\"stream\":\"stdout\",\"time\":\"2026-12-03T12:00:00Z\"}\n", line);
    }

    [Fact]
    public void The_log_is_created_readable_by_owner_and_group_only()
    {
        using (JsonFileLog.Writer(Path))
        {
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(Path));
    }

    [Fact]
    public async Task Everything_written_is_read_back_in_order_with_its_stream()
    {
        Write(("one", OutputChannel.Stdout), ("two", OutputChannel.Stderr), ("three", OutputChannel.Stdout));

        var entries = await ReadAsync(LogQuery.All);

        Assert.Equal(
            [new LogEntry(OutputChannel.Stdout, At, "one\n"), new LogEntry(OutputChannel.Stderr, At.AddSeconds(1), "two\n"), new LogEntry(OutputChannel.Stdout, At.AddSeconds(2), "three\n")],
            entries);
    }

    [Fact]
    public async Task A_log_docker_wrote_is_read()
    {
        File.WriteAllText(Path, "{\"log\":\"hi \\u003cthere\\u003e\\n\",\"stream\":\"stderr\",\"time\":\"2026-12-03T12:00:00.123456789Z\"}\n");

        var entry = Assert.Single(await ReadAsync(LogQuery.All));

        Assert.Equal((OutputChannel.Stderr, "hi <there>\n", At.AddTicks(1234567)), (entry.Channel, entry.Message, entry.Time));
    }

    [Theory]
    [InlineData(0, new string[0])]
    [InlineData(2, new[] { "4", "5" })]
    [InlineData(5, new[] { "1", "2", "3", "4", "5" })]
    [InlineData(9, new[] { "1", "2", "3", "4", "5" })]
    public async Task Tail_gives_the_last_entries(int tail, string[] expected)
    {
        Write(Enumerable.Range(1, 5).Select(i => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), OutputChannel.Stdout)).ToArray());

        var entries = await ReadAsync(new LogQuery(Tail: tail));

        Assert.Equal(expected, entries.Select(e => e.Message.TrimEnd('\n')));
    }

    [Fact]
    public async Task Tail_finds_its_start_across_many_blocks_of_a_large_log()
    {
        using (var writer = JsonFileLog.Writer(Path))
        {
            for (var i = 0; i < 20_000; i++)
            {
                writer.Write(OutputChannel.Stdout, "line " + i + " " + new string('x', 40), At);
            }
        }

        var entries = await ReadAsync(new LogQuery(Tail: 3));

        Assert.Equal(["line 19997", "line 19998", "line 19999"], entries.Select(e => e.Message[..10]));
    }

    [Fact]
    public async Task Since_and_until_bound_the_times_and_tail_is_taken_first()
    {
        Write(("0", OutputChannel.Stdout), ("1", OutputChannel.Stdout), ("2", OutputChannel.Stdout), ("3", OutputChannel.Stdout), ("4", OutputChannel.Stdout));

        var window = await ReadAsync(new LogQuery(Since: At.AddSeconds(1), Until: At.AddSeconds(3)));
        var tailThenSince = await ReadAsync(new LogQuery(Tail: 2, Since: At.AddSeconds(1)));

        Assert.Equal(["1", "2", "3"], window.Select(e => e.Message.TrimEnd('\n')));
        Assert.Equal(["3", "4"], tailThenSince.Select(e => e.Message.TrimEnd('\n')));
    }

    [Fact]
    public void Timestamps_are_printed_with_nine_fraction_digits()
    {
        var entry = new LogEntry(OutputChannel.Stdout, At.AddTicks(1234560), "hi\n");

        Assert.Equal("2026-12-03T12:00:00.123456000Z hi\n", entry.Render(timestamps: true));
        Assert.Equal("hi\n", entry.Render(timestamps: false));
    }

    [Fact]
    public async Task A_log_not_written_yet_is_empty()
    {
        Assert.Empty(await ReadAsync(LogQuery.All));
    }

    [Fact]
    public async Task Lines_cut_short_are_skipped()
    {
        File.WriteAllText(Path, "{\"log\":\"ok\\n\",\"stream\":\"stdout\",\"time\":\"2026-12-03T12:00:00Z\"}\nnot json\n{\"log\":\"cut");

        var entries = await ReadAsync(LogQuery.All);

        Assert.Equal(["ok\n"], entries.Select(e => e.Message));
    }

    [Fact]
    public async Task Follow_gives_new_entries_and_ends_when_the_container_stops()
    {
        Write(("before", OutputChannel.Stdout));
        var running = true;
        var seen = new List<string>();
        using var writer = JsonFileLog.Writer(Path);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await foreach (var entry in JsonFileLog.ReadAsync(Path, new LogQuery(Follow: true), () => Volatile.Read(ref running), timeout.Token))
        {
            seen.Add(entry.Message.TrimEnd('\n'));
            if (seen.Count == 1)
            {
                writer.Write(OutputChannel.Stderr, "after", At);
            }
            else if (seen.Count == 2)
            {
                // Written before the stop: still read.
                writer.Write(OutputChannel.Stdout, "last", At);
                Volatile.Write(ref running, false);
            }
        }

        Assert.Equal(["before", "after", "last"], seen);
    }

    [Fact]
    public async Task A_line_being_written_is_read_once_it_is_whole()
    {
        var whole = JsonFileLog.Encode(OutputChannel.Stdout, "split\n", At);
        File.WriteAllText(Path, whole[..10]);
        var polls = 0;
        var seen = new List<string>();

        await foreach (var entry in JsonFileLog.ReadAsync(Path, new LogQuery(Follow: true), () =>
        {
            if (++polls == 1)
            {
                File.AppendAllText(Path, whole[10..], Encoding.UTF8);
                return true;
            }

            return false;
        }, CancellationToken.None))
        {
            seen.Add(entry.Message);
        }

        Assert.Equal(["split\n"], seen);
    }

    private void Write(params (string Text, OutputChannel Channel)[] lines)
    {
        using var writer = JsonFileLog.Writer(Path);
        for (var i = 0; i < lines.Length; i++)
        {
            writer.Write(lines[i].Channel, lines[i].Text, At.AddSeconds(i));
        }
    }

    private async Task<List<LogEntry>> ReadAsync(LogQuery query)
    {
        var entries = new List<LogEntry>();
        await foreach (var entry in JsonFileLog.ReadAsync(Path, query, () => false, CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }
}
