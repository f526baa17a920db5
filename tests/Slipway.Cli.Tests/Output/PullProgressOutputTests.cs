using Slipway.Cli.Output;
using Slipway.Images;
using Slipway.Oci;

namespace Slipway.Cli.Tests.Output;

/// <summary>A base image pulled during a build shows as BuildKit shows a FROM's downloads, in plain, rawjson and on a
/// terminal; <c>slipway pull</c> prints docker's per-layer lines.</summary>
public class PullProgressOutputTests
{
    private static readonly ImageReference Image = ImageReference.Parse("golang:1.23");
    private static readonly Digest Layer = Digest.Compute("layer"u8);
    private const long Size = 45_123_400;

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static PullProgress At(string status, long current) => new("layer", Layer, status) { Current = current, Total = Size };

    /// <summary>A download of <see cref="Size"/> bytes reported every 1% over 2 s, as the puller reports it.</summary>
    private static void Pull(Action<PullProgress> report, Clock clock)
    {
        report(At(PullStatus.Waiting, 0));
        report(At(PullStatus.Downloading, 0));
        for (var percent = 1; percent <= 100; percent++)
        {
            clock.Now += TimeSpan.FromMilliseconds(20);
            report(At(PullStatus.Downloading, Size * percent / 100));
        }

        report(At(PullStatus.Verifying, Size));
        report(At(PullStatus.Downloaded, Size));
        report(At(PullStatus.Complete, Size));
    }

    [Fact]
    public void Plain_progress_shows_the_pull_as_a_vertex_with_the_layers_bytes_every_five_percent_and_done()
    {
        using var output = new StringWriter();
        var clock = new Clock();
        var progress = new PlainProgress(output, quiet: false, clock);

        Pull(p => progress.OnPull(Image, p), clock);
        progress.OnPulled(Image, null);

        var lines = output.ToString().Split('\n');
        Assert.Equal("#1 [internal] pull docker.io/library/golang:1.23", lines[0]);
        Assert.Equal($"#1 {Layer} 0B / 45.12MB", lines[1]);
        Assert.Equal($"#1 {Layer} 2.26MB / 45.12MB 0.1s", lines[2]);
        Assert.Equal(22, lines.Count(l => l.StartsWith($"#1 {Layer} ", StringComparison.Ordinal)));
        Assert.Equal($"#1 {Layer} 45.12MB / 45.12MB 2.0s done", lines[^4]);
        Assert.Equal("#1 DONE 2.0s", lines[^3]);
    }

    [Fact]
    public void A_pull_that_fails_ends_its_vertex_with_the_error()
    {
        using var output = new StringWriter();
        var progress = new PlainProgress(output, quiet: false, new Clock());

        progress.OnPulled(Image, "manifest unknown");

        Assert.Equal("#1 [internal] pull docker.io/library/golang:1.23\n#1 ERROR: manifest unknown\n\n", output.ToString());
    }

    [Fact]
    public void Rawjson_reports_the_pull_vertex_and_a_status_per_blob_with_its_bytes()
    {
        using var output = new StringWriter();
        var clock = new Clock();
        var progress = new RawJsonProgress(output, clock);

        Pull(p => progress.OnPull(Image, p), clock);
        progress.OnPulled(Image, null);

        var text = output.ToString();
        Assert.Contains("\"name\":\"[internal] pull docker.io/library/golang:1.23\"", text, StringComparison.Ordinal);
        Assert.Contains($"\"statuses\":[{{\"id\":\"{Layer}\",", text, StringComparison.Ordinal);
        Assert.Contains($"\"total\":{Size},\"current\":{Size / 2},", text, StringComparison.Ordinal);
        Assert.Contains("\"completed\":\"2026-01-02T03:04:07+00:00\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Pull_without_a_terminal_prints_each_layers_changes_of_status_as_docker_does()
    {
        using var output = new StringWriter();
        var lines = new PullLines(output, terminal: false);

        Pull(lines.Report, new Clock());

        Assert.Equal($"{Layer.ShortHex}: Pulling fs layer\n{Layer.ShortHex}: Verifying Checksum\n{Layer.ShortHex}: Download complete\n"
            + $"{Layer.ShortHex}: Pull complete\n", output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Pull_on_a_terminal_redraws_the_layers_line_with_a_bar()
    {
        using var output = new StringWriter();
        var lines = new PullLines(output, terminal: true);

        lines.Report(At(PullStatus.Waiting, 0));
        lines.Report(At(PullStatus.Downloading, Size / 4));

        Assert.Equal($"{Layer.ShortHex}: Pulling fs layer\n\u001b[1A\r\u001b[2K{Layer.ShortHex}: Downloading "
            + "[============>                                     ]   11.3MB/45.1MB\r\u001b[1B", output.ToString());
    }
}
