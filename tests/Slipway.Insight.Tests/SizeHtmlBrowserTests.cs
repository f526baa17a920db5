using System.Diagnostics;
using System.Text.RegularExpressions;
using Slipway.Insight;
using Slipway.Testing;
using static Slipway.Insight.Tests.SyntheticImage;

namespace Slipway.Insight.Tests;

/// <summary>The HTML report in a real headless browser (Debian's chromium): the script runs, the treemap's
/// rectangles exist in the DOM, and a screenshot is kept in artifacts/test-results for a person to look at.</summary>
public sealed partial class SizeHtmlBrowserTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("slipway-size-html-");

    public void Dispose() => _temp.Delete(true);

    [Fact]
    public async Task The_treemap_renders_in_headless_chromium_with_a_rectangle_per_file()
    {
        var chromium = Capability.RequireTool("chromium");
        var entries = new List<(string, System.Formats.Tar.TarEntryType, int)> { Dir("usr"), Dir("usr/lib"), Dir("app") };
        entries.AddRange(Enumerable.Range(0, 40).Select(i => File($"usr/lib/lib{i}.so", 20_000 + i * 3000)));
        var report = await new SyntheticImage()
            .Layer([.. entries])
            .Layer(File("app/server", 400_000), File("tmp-build-cache", 300_000))
            .Layer(Whiteout("tmp-build-cache"), File("app/config.json", 50_000))
            .AnalyzeAsync();
        var html = Path.Join(_temp.FullName, "report.html");
        await System.IO.File.WriteAllTextAsync(html, SizeHtml.Render(report), TestContext.Current.CancellationToken);

        var dom = await RunAsync(chromium, "--dump-dom", new Uri(html).AbsoluteUri);
        var png = Path.Join(_temp.FullName, "size-report.png");
        await RunAsync(chromium, "--screenshot=" + png, "--window-size=1280,900", new Uri(html).AbsoluteUri);

        Assert.Equal(42, TreemapRect().Count(dom));
        Assert.Contains("data-path=\"/app/server\"", dom, StringComparison.Ordinal);
        Assert.Contains("data-path=\"/usr/lib/lib39.so\"", dom, StringComparison.Ordinal);
        Assert.True(new FileInfo(png).Length > 10_000, $"screenshot is only {new FileInfo(png).Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], (await System.IO.File.ReadAllBytesAsync(png, TestContext.Current.CancellationToken))[..4]);
        KeepArtifact(png);
    }

    private async Task<string> RunAsync(string chromium, params string[] args)
    {
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     "--user-data-dir=" + Path.Join(_temp.FullName, "profile"), .. args])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    /// <summary>Copies the screenshot to artifacts/test-results (what scripts/test collects), when the tests run
    /// from a checkout.</summary>
    private static void KeepArtifact(string png)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Join(dir.FullName, "Slipway.slnx")))
            {
                var results = Directory.CreateDirectory(Path.Join(dir.FullName, "artifacts", "test-results")).FullName;
                System.IO.File.Copy(png, Path.Join(results, "size-report.png"), overwrite: true);
                return;
            }
        }
    }

    [GeneratedRegex("class=\"tm-rect\"")]
    private static partial Regex TreemapRect();
}
