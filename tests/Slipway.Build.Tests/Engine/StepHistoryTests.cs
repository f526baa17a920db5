using System.Text;
using Slipway.Build.Engine;
using Slipway.Oci;
using Slipway.Solver;
using Slipway.Store;

namespace Slipway.Build.Tests.Engine;

public sealed class StepHistoryTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-history-");

    public void Dispose() => _dir.Delete(true);

    private static CacheKey D(string s) => new(Digest.Compute(Encoding.UTF8.GetBytes(s)));

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private StepHistory History() => new(LocalStore.Open(Path.Join(_dir.FullName, "store"), TimeProvider.System));

    private static CacheFacts Inputs(string content)
    {
        var inputs = new StepInputs();
        inputs.Add("arg:A", "1");
        inputs.AddFile("a.txt", "f 644 0:0 " + content);
        return inputs.Facts();
    }

    [Fact]
    public async Task A_record_reads_back_with_short_file_fingerprints()
    {
        var history = History();
        await history.SaveAsync("id", new HistoryRecord(D("key"), [D("parent")], Inputs(new string('c', 64))), Token);

        var entry = await history.LastAsync("id", Token);

        Assert.NotNull(entry);
        Assert.Equal(D("key"), entry.Key);
        Assert.Equal([D("parent")], entry.Parents);
        Assert.Equal([KeyValuePair.Create("arg:A", "1")], entry.Facts.Values);
        Assert.Equal("f 644 0:0 " + new string('c', FileFingerprint.ShortContent), entry.Facts.Files!["a.txt"]);
    }

    [Fact]
    public async Task A_later_build_replaces_the_record_and_no_temporary_file_is_left()
    {
        var history = History();
        await history.SaveAsync("id", new HistoryRecord(D("one"), [], Inputs("aaaa")), Token);
        await history.SaveAsync("id", new HistoryRecord(D("two"), [], Inputs("bbbb")), Token);

        var entry = await history.LastAsync("id", Token);

        Assert.Equal(D("two"), entry!.Key);
        Assert.Equal("f 644 0:0 bbbb", entry.Facts.Files!["a.txt"]);
        Assert.Empty(Directory.EnumerateFiles(_dir.FullName, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_missing_record_or_a_lost_file_list_is_no_history_or_no_files_never_an_error()
    {
        var history = History();
        Assert.Null(await history.LastAsync("never", Token));

        await history.SaveAsync("id", new HistoryRecord(D("key"), [], Inputs("aaaa")), Token);
        File.Delete(Directory.EnumerateFiles(_dir.FullName, "*.files.gz", SearchOption.AllDirectories).Single());
        var entry = await history.LastAsync("id", Token);

        Assert.NotNull(entry);
        Assert.Null(entry.Facts.Files);
    }

    [Fact]
    public void The_identity_depends_on_context_dockerfile_stage_and_position()
    {
        var identity = StepHistory.Identity("/ctx", "/ctx/Dockerfile", "Dockerfile", "builder", 3);
        Assert.Equal(identity, StepHistory.Identity("/ctx/", "/ctx/Dockerfile", "Dockerfile", "builder", 3));
        Assert.NotEqual(identity, StepHistory.Identity("/other", "/ctx/Dockerfile", "Dockerfile", "builder", 3));
        Assert.NotEqual(identity, StepHistory.Identity("/ctx", "/ctx/Other.Dockerfile", "Dockerfile", "builder", 3));
        Assert.NotEqual(identity, StepHistory.Identity("/ctx", "/ctx/Dockerfile", "Dockerfile", "runtime", 3));
        Assert.NotEqual(identity, StepHistory.Identity("/ctx", "/ctx/Dockerfile", "Dockerfile", "builder", 4));
    }

    private sealed class Step(string name) : Vertex(name, [])
    {
        public override Digest OperationDigest => Digest.Compute(Encoding.UTF8.GetBytes(Name));
    }

    [Fact]
    public void Changes_of_another_stages_files_are_left_to_parent_step_changed_when_a_parent_changed()
    {
        var before = new CacheFacts([KeyValuePair.Create("flag:--from", "builder")], new Dictionary<string, string> { ["/out/app"] = "f 755 0:0 aaaa" });
        var now = new CacheFacts([KeyValuePair.Create("flag:--from", "builder")], new Dictionary<string, string> { ["/out/app"] = "f 755 0:0 bbbb" });

        Assert.Equal(["file /out/app from stage builder changed content"], History().Changes(before, now, parentChanged: false));
        Assert.Empty(History().Changes(before, now, parentChanged: true));
    }

    [Fact]
    public async Task A_history_that_cannot_be_written_costs_a_warning_never_the_build()
    {
        var warnings = new List<string>();
        var store = LocalStore.Open(Path.Join(_dir.FullName, "store"), TimeProvider.System);
        Directory.CreateDirectory(Path.Join(store.Layout.Root, "cache"));
        await File.WriteAllTextAsync(Path.Join(store.Layout.Root, "cache", "steps"), "not a directory", Token);

        await new StepHistory(store, warn: warnings.Add).RecordAsync(new Step("[stage-0 2/2] RUN true"), "id", new HistoryRecord(D("key"), [], Inputs("aaaa")), Token);

        Assert.StartsWith("[stage-0 2/2] RUN true: could not record its inputs for cache explanations: ", Assert.Single(warnings), StringComparison.Ordinal);
    }
}
