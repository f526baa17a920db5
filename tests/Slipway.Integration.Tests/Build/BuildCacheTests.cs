using Slipway.Integration.Tests.Fixtures;

namespace Slipway.Integration.Tests.Build;

/// <summary>The step cache: an unchanged build is all CACHED, a source edit reruns only the steps that read it,
/// and --no-cache reruns everything.</summary>
public sealed class BuildCacheTests(GolangStore store) : IClassFixture<GolangStore>, IDisposable
{
    private readonly TempDirectory _temp = new();

    private SlipwayRunner Runner => store.Runner;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_source_edit_reruns_only_the_steps_after_the_copy_of_the_sources()
    {
        store.Require();
        var context = BuildStore.CopyExample("go-web", _temp.Path);
        var first = BuildProgress.Steps((await Runner.OkAsync("build", "--progress", "plain", "-t", "web:1", context)).Error);

        var again = BuildProgress.Steps((await Runner.OkAsync("build", "--progress", "plain", "-t", "web:2", context)).Error);
        Assert.All(again, s => Assert.Equal((s.Key, "CACHED"), (s.Key, s.Value)));
        Assert.Equal(first.Count, again.Count);

        var main = Path.Join(context, "main.go");
        await File.WriteAllTextAsync(main, (await File.ReadAllTextAsync(main, TestContext.Current.CancellationToken)).Replace("hello from a slipway-built image", "hello after an edit", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        var edited = BuildProgress.Steps((await Runner.OkAsync("build", "--progress", "plain", "-t", "web:3", context)).Error);
        Assert.Equal("CACHED", edited["[builder 1/7] FROM golang:1.19"]);
        Assert.Equal("CACHED", edited["[builder 2/7] WORKDIR /src"]);
        Assert.Equal("CACHED", edited["[builder 3/7] COPY go.mod ./"]);
        Assert.Equal("CACHED", edited["[builder 4/7] RUN go mod download"]);
        Assert.Equal("DONE", edited["[builder 5/7] COPY *.go ./"]);
        Assert.Equal("DONE", edited["[builder 6/7] ARG TARGETOS TARGETARCH"]);
        Assert.Equal("DONE", edited["[builder 7/7] RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags=\"-s -w\" -o /out/web ."]);
        Assert.Equal("DONE", edited["[stage-1 2/5] COPY --from=builder /out/web /web"]);
        Assert.Equal("hello after an edit\n", (await Runner.OkAsync("run", "--rm", "web:3", "-once")).Output);
        Assert.Equal("hello from a slipway-built image\n", (await Runner.OkAsync("run", "--rm", "web:1", "-once")).Output);
    }

    [Fact]
    public async Task A_fully_cached_rebuild_prints_the_same_image_id_and_a_change_a_new_one()
    {
        store.Require();
        var context = Directory.CreateDirectory(Path.Join(_temp.Path, "ids")).FullName;
        await File.WriteAllTextAsync(Path.Join(context, "Dockerfile"), "FROM golang:1.19\nRUN echo built > /built\nCOPY a.txt /a.txt\nCMD [\"cat\", \"/a.txt\"]\n",
            TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Join(context, "a.txt"), "one", TestContext.Current.CancellationToken);

        var first = (await Runner.OkAsync("build", "-q", context)).Output;
        var second = (await Runner.OkAsync("build", "-q", context)).Output;
        var third = (await Runner.OkAsync("build", "-q", context)).Output;
        await File.WriteAllTextAsync(Path.Join(context, "a.txt"), "two", TestContext.Current.CancellationToken);
        var changed = (await Runner.OkAsync("build", "-q", context)).Output;

        Assert.StartsWith("sha256:", first, StringComparison.Ordinal);
        Assert.Equal(first, second);
        Assert.Equal(first, third);
        Assert.NotEqual(first, changed);
    }

    [Fact]
    public async Task A_rebuild_of_an_unchanged_context_reads_no_file_contents()
    {
        store.Require();
        var context = BuildStore.CopyExample("go-web", _temp.Path);
        var first = ContextFiles((await Runner.OkAsync("--debug", "build", "--progress", "plain", context)).Error);
        Assert.Equal(0, first.FromIndex);
        Assert.True(first.Hashed > 0);

        // Dated after every file, so no entry counts as racily clean however fast the first build was.
        File.SetLastWriteTimeUtc(Slipway.Build.Context.ContentIndex.PathFor(new Slipway.Store.StoreLayout(Runner.Root), context), DateTime.UtcNow.AddHours(1));

        var again = ContextFiles((await Runner.OkAsync("--debug", "build", "--progress", "plain", context)).Error);
        Assert.Equal((first.Hashed, 0), (again.FromIndex, again.Hashed));

        await File.AppendAllTextAsync(Path.Join(context, "main.go"), "\n// edited\n", TestContext.Current.CancellationToken);
        var edited = ContextFiles((await Runner.OkAsync("--debug", "build", "--progress", "plain", context)).Error);
        Assert.Equal((first.Hashed - 1, 1), (edited.FromIndex, edited.Hashed));
    }

    private static (int FromIndex, int Hashed) ContextFiles(string stderr)
    {
        var match = System.Text.RegularExpressions.Regex.Match(stderr, @"context files: (\d+) from the index, (\d+) read and hashed");
        Assert.True(match.Success, stderr);
        return (int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task No_cache_reruns_every_step()
    {
        store.Require();
        var context = BuildStore.CopyExample("go-web", _temp.Path);
        await Runner.OkAsync("build", "--progress", "plain", context);

        var rerun = BuildProgress.Steps((await Runner.OkAsync("build", "--progress", "plain", "--no-cache", context)).Error);

        Assert.Equal(6 + 5, rerun.Count);
        Assert.All(rerun.Where(s => !s.Key.Contains("] FROM ", StringComparison.Ordinal)), s => Assert.Equal((s.Key, "DONE"), (s.Key, s.Value)));
    }
}
