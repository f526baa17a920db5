using System.Text;
using Slipway.Build.Engine;
using Slipway.Oci;
using Slipway.Store;

namespace Slipway.Build.Tests.Engine;

public sealed class StepHistoryTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-history-");

    public void Dispose() => _dir.Delete(true);

    private static Digest D(string s) => Digest.Compute(Encoding.UTF8.GetBytes(s));

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private StepHistory History() => new(LocalStore.Open(Path.Join(_dir.FullName, "store"), TimeProvider.System));

    private static StepInputs Inputs(string content)
    {
        var inputs = new StepInputs();
        inputs.Add("arg:A", "1");
        inputs.AddFile("a.txt", "f 644 0:0 " + content);
        return inputs;
    }

    [Fact]
    public async Task A_record_reads_back_with_short_file_fingerprints()
    {
        var history = History();
        await history.SaveAsync("id", D("key"), [D("parent")], Inputs(new string('c', 64)), Token);

        var entry = await history.LoadAsync("id", Token);

        Assert.NotNull(entry);
        Assert.Equal(D("key").Value, entry.Key);
        Assert.Equal([D("parent").Value], entry.Parents);
        Assert.Equal([KeyValuePair.Create("arg:A", "1")], entry.Values);
        Assert.Equal("f 644 0:0 " + new string('c', FileFingerprint.ShortContent), entry.Files!["a.txt"]);
    }

    [Fact]
    public async Task A_later_build_replaces_the_record_and_no_temporary_file_is_left()
    {
        var history = History();
        await history.SaveAsync("id", D("one"), [], Inputs("aaaa"), Token);
        await history.SaveAsync("id", D("two"), [], Inputs("bbbb"), Token);

        var entry = await history.LoadAsync("id", Token);

        Assert.Equal(D("two").Value, entry!.Key);
        Assert.Equal("f 644 0:0 bbbb", entry.Files!["a.txt"]);
        Assert.Empty(Directory.EnumerateFiles(_dir.FullName, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_missing_record_or_a_lost_file_list_is_no_history_or_no_files_never_an_error()
    {
        var history = History();
        Assert.Null(await history.LoadAsync("never", Token));

        await history.SaveAsync("id", D("key"), [], Inputs("aaaa"), Token);
        File.Delete(Directory.EnumerateFiles(_dir.FullName, "*.files.gz", SearchOption.AllDirectories).Single());
        var entry = await history.LoadAsync("id", Token);

        Assert.NotNull(entry);
        Assert.Null(entry.Files);
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
}
