using System.Text.Json;
using Slipway.Integration.Tests.Fixtures;

namespace Slipway.Integration.Tests.Build;

/// <summary><c>slipway size</c> and <c>build --report size</c> on images built here with runc.</summary>
public sealed class SizeReportTests(BusyboxStore store) : IClassFixture<BusyboxStore>, IDisposable
{
    private readonly TempDirectory _temp = new();

    private SlipwayRunner Runner => store.Runner;

    public void Dispose() => _temp.Dispose();

    private async Task<SlipwayRunner.Result> BuildWastefulAsync(params string[] extra)
    {
        var dir = Directory.CreateDirectory(Path.Join(_temp.Path, "ctx-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        File.WriteAllText(Path.Join(dir, "Dockerfile"), "FROM busybox:1.35\nRUN head -c 5000000 /dev/zero > /big\nRUN rm /big\n");
        return await Runner.OkAsync(["build", "--progress", "plain", "-t", "wasteful:1", .. extra, dir]);
    }

    [Fact]
    public async Task A_file_one_RUN_adds_and_the_next_deletes_shows_as_five_megabytes_wasted_naming_it()
    {
        store.Require();
        await BuildWastefulAsync();

        var text = await Runner.OkAsync("size", "wasteful:1");
        var json = JsonDocument.Parse((await Runner.OkAsync("size", "wasteful:1", "--format", "json")).Output).RootElement;

        Assert.Contains("Wasted:      5MB in 1 files", text.Output, StringComparison.Ordinal);
        Assert.Matches(@"5MB\s+/big\s+layer 1\s+layer 2 \(deleted\)", text.Output);
        Assert.Equal(5_000_000, json.GetProperty("wastedBytes").GetInt64());
        var big = json.GetProperty("wasted")[0];
        Assert.Equal("/big", big.GetProperty("path").GetString());
        Assert.Equal((1, 2), (big.GetProperty("addedBy").GetInt32(), big.GetProperty("removedBy").GetInt32()));
        var layers = json.GetProperty("layers");
        Assert.Equal(3, layers.GetArrayLength());
        Assert.Contains("head -c 5000000", layers[1].GetProperty("createdBy").GetString(), StringComparison.Ordinal);
        Assert.Contains("rm /big", layers[2].GetProperty("createdBy").GetString(), StringComparison.Ordinal);
        Assert.Equal(5_000_000, layers[1].GetProperty("contentSize").GetInt64());
    }

    [Fact]
    public async Task The_gates_fail_the_command_and_say_which_limit_was_crossed()
    {
        store.Require();
        await BuildWastefulAsync();

        var failed = await Runner.RunAsync("size", "wasteful:1", "--max-wasted", "1MB", "--min-efficiency", "0.9", "--max-size", "1GB");
        var passed = await Runner.RunAsync("size", "wasteful:1", "--max-wasted", "10MB", "--max-size", "1GB");

        Assert.Equal(2, failed.Exit);
        Assert.Contains("size gate failed: --max-wasted: 5MB", failed.Error, StringComparison.Ordinal);
        Assert.Contains("size gate failed: --min-efficiency", failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("--max-size", failed.Error, StringComparison.Ordinal);
        Assert.Equal(0, passed.Exit);
    }

    [Fact]
    public async Task Build_with_report_size_prints_the_report_after_the_build()
    {
        store.Require();

        var build = await BuildWastefulAsync("--report", "size");

        Assert.Contains("Image:       wasteful:1", build.Output, StringComparison.Ordinal);
        Assert.Contains("/big", build.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_html_report_is_written_to_the_output_file()
    {
        store.Require();
        await BuildWastefulAsync();
        var file = Path.Join(_temp.Path, "size.html");

        await Runner.OkAsync("size", "wasteful:1", "--format", "html", "-o", file);

        var html = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("/big", html, StringComparison.Ordinal);
    }
}

/// <summary>The go-web example built in one stage and in two: what the multi-stage build saves.</summary>
public sealed class SizeCompareTests(GolangStore store) : IClassFixture<GolangStore>
{
    private SlipwayRunner Runner => store.Runner;

    [Fact]
    public async Task Compare_shows_both_sizes_of_the_single_and_multi_stage_go_builds_and_the_saving()
    {
        store.Require();
        var context = BuildStore.Example("go-web");
        await Runner.OkAsync("build", "--progress", "plain", "-f", Path.Join(context, "Dockerfile.single"), "-t", "go-web:single", context);
        await Runner.OkAsync("build", "--progress", "plain", "-t", "go-web:multi", context);

        var text = await Runner.OkAsync("size", "go-web:single", "--compare", "go-web:multi");
        var json = JsonDocument.Parse((await Runner.OkAsync("size", "go-web:single", "--compare", "go-web:multi", "--format", "json")).Output).RootElement;

        var single = json.GetProperty("baseline").GetProperty("compressedSize").GetInt64();
        var multi = json.GetProperty("other").GetProperty("compressedSize").GetInt64();
        Assert.True(multi < single / 10, $"multi-stage {multi} bytes, single-stage {single} bytes");
        Assert.Equal(single - multi, json.GetProperty("compressedSaving").GetInt64());
        Assert.Matches(@"Size \(compressed\)\s+\S+MB\s+\S+MB\s+\S+MB \(9\d\.\d%\)", text.Output);
        Assert.Matches(@"go-web:multi is \S+MB \(9\d\.\d%\) smaller than go-web:single", text.Output);
    }
}
