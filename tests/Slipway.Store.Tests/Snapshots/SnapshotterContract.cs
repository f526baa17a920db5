using System.Formats.Tar;
using System.Text;
using Slipway.Oci;
using Slipway.Store.Layers;
using Slipway.Store.Snapshots;
using Slipway.Store.Tests.Layers;

namespace Slipway.Store.Tests.Snapshots;

/// <summary>What every <see cref="ISnapshotter"/> must do, run against each implementation (one derived class each).
/// The parents are two layers: the first makes <c>a</c>, <c>link -&gt; a</c>, <c>d/{x,y}</c> and <c>e/{w,z}</c>; the
/// second removes <c>a</c> (whiteout), makes <c>d</c> opaque with only <c>d/new</c>, and changes <c>e/z</c>.</summary>
public abstract class SnapshotterContract : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose()
    {
        _temp.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    protected LocalStore Store => _temp.Store;

    /// <summary>The implementation under test; skips the test (through Capability) when it cannot run here.</summary>
    protected abstract ISnapshotter Create(LocalStore store);

    /// <summary>Whether a write into a view fails (a read-only mount); otherwise it must at least reach nothing else.</summary>
    protected abstract bool ViewsRefuseWrites { get; }

    private ISnapshotter? _snapshotter;

    private ISnapshotter Snapshotter => _snapshotter ??= Create(Store);

    private static readonly string[] MergedParents = ["d/", "d/new=new", "e/", "e/w=w", "e/z=z2", "link->a"];

    private async Task<List<LayerRef>> ParentsAsync()
    {
        var first = new TarBuilder().File("a", "a").Symlink("link", "a").Dir("d").File("d/x", "x").File("d/y", "y")
            .Dir("e").File("e/w", "w").File("e/z", "z1");
        var second = new TarBuilder().File(".wh.a", "").Dir("d").File("d/.wh..wh..opq", "").File("d/new", "new").Dir("e").File("e/z", "z2");
        return [await StoreLayerAsync(first), await StoreLayerAsync(second)];
    }

    private async Task<LayerRef> StoreLayerAsync(TarBuilder layer)
    {
        var tar = layer.ToStream().ToArray();
        var blob = await Store.Blobs.WriteAsync(MediaTypes.OciLayer, tar, Token);
        return new LayerRef(blob, Digest.Compute(tar));
    }

    private string NewDirectory() => Store.Layout.NewTmpPath();

    private Task<IActiveSnapshot> PrepareAsync(IReadOnlyList<LayerRef> parents) => Snapshotter.PrepareAsync(NewDirectory(), parents, Token);

    private static readonly LayerCommitOptions Uncompressed = new() { Compression = LayerCompression.None };

    /// <summary>Every entry of a tree: directories end in <c>/</c>, files show their content, links their target.</summary>
    private static List<string> Tree(string root)
    {
        var entries = new List<string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var rel = Path.GetRelativePath(root, path);
            var stat = LayerNative.LStat(path)!.Value;
            entries.Add(stat.IsDirectory ? rel + "/"
                : stat.IsSymlink ? rel + "->" + new FileInfo(path).LinkTarget
                : stat.IsRegular ? rel + "=" + File.ReadAllText(path)
                : $"{rel} (device {stat.RdevMajor}:{stat.RdevMinor})");
        }

        return [.. entries.Order(StringComparer.Ordinal)];
    }

    /// <summary>The entries of a committed (uncompressed) layer, in the same form as <see cref="Tree"/>.</summary>
    private async Task<List<string>> EntriesAsync(LayerRef layer)
    {
        var bytes = await Store.Blobs.ReadAllBytesAsync(layer.Blob.Digest, Token);
        Assert.Equal(layer.DiffId, Digest.Compute(bytes));
        var entries = new List<string>();
        using var reader = new TarReader(new MemoryStream(bytes));
        while (reader.GetNextEntry() is { } entry)
        {
            entries.Add(entry.EntryType switch
            {
                TarEntryType.Directory => entry.Name.TrimEnd('/') + "/",
                TarEntryType.SymbolicLink => entry.Name + "->" + entry.LinkName,
                _ => entry.Name + "=" + (entry.DataStream is { } data ? new StreamReader(data, Encoding.UTF8).ReadToEnd() : ""),
            });
        }

        return [.. entries.Order(StringComparer.Ordinal)];
    }

    /// <summary>Every path under the store root, with what a file holds.</summary>
    private List<string> StoreContents() => Tree(Store.Layout.Root).Where(e => !e.StartsWith("lock", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task Prepared_over_nothing_the_tree_is_empty()
    {
        using var snapshot = await PrepareAsync([]);

        Assert.Empty(Tree(snapshot.Path));
        Assert.False(snapshot.HasChanges());
    }

    [Fact]
    public async Task Prepared_over_layers_the_tree_is_the_layers_merged_with_whiteouts_and_opaque_directories_applied()
    {
        using var snapshot = await PrepareAsync(await ParentsAsync());

        Assert.Equal(MergedParents, Tree(snapshot.Path));
        Assert.False(snapshot.HasChanges());
    }

    [Fact]
    public async Task A_view_shows_the_layers_merged()
    {
        using var view = await Snapshotter.ViewAsync(NewDirectory(), await ParentsAsync(), Token);

        Assert.Equal(MergedParents, Tree(view.Path));
    }

    [Fact]
    public async Task A_view_is_read_only_and_whatever_it_lets_through_reaches_no_other_snapshot()
    {
        var parents = await ParentsAsync();
        using (var view = await Snapshotter.ViewAsync(NewDirectory(), parents, Token))
        {
            void Write() => File.WriteAllText(Path.Join(view.Path, "e", "w"), "changed through a view");
            if (ViewsRefuseWrites)
            {
                Assert.ThrowsAny<IOException>(Write);
            }
            else
            {
                Write();
            }
        }

        using var next = await PrepareAsync(parents);
        Assert.Equal(MergedParents, Tree(next.Path));
    }

    [Fact]
    public async Task An_added_file_commits_as_a_layer_holding_it_and_its_directory()
    {
        using var snapshot = await PrepareAsync(await ParentsAsync());
        File.WriteAllText(Path.Join(snapshot.Path, "e", "added"), "added");
        File.WriteAllText(Path.Join(snapshot.Path, "top"), "top");

        Assert.True(snapshot.HasChanges());
        Assert.Equal(["e/", "e/added=added", "top=top"], await EntriesAsync(await snapshot.CommitAsync(Uncompressed, Token)));
    }

    [Fact]
    public async Task A_changed_file_commits_with_its_new_content_and_nothing_unchanged()
    {
        using var snapshot = await PrepareAsync(await ParentsAsync());
        File.WriteAllText(Path.Join(snapshot.Path, "e", "z"), "z3");

        Assert.Equal(["e/", "e/z=z3"], await EntriesAsync(await snapshot.CommitAsync(Uncompressed, Token)));
    }

    [Fact]
    public async Task A_removed_entry_commits_as_a_whiteout()
    {
        using var snapshot = await PrepareAsync(await ParentsAsync());
        File.Delete(Path.Join(snapshot.Path, "link"));
        File.Delete(Path.Join(snapshot.Path, "e", "w"));

        Assert.Equal([".wh.link=", "e/", "e/.wh.w="], await EntriesAsync(await snapshot.CommitAsync(Uncompressed, Token)));
    }

    [Fact]
    public async Task A_directory_removed_and_made_again_commits_as_an_opaque_directory()
    {
        using var snapshot = await PrepareAsync(await ParentsAsync());
        Directory.Delete(Path.Join(snapshot.Path, "e"), recursive: true);
        Directory.CreateDirectory(Path.Join(snapshot.Path, "e"));
        File.WriteAllText(Path.Join(snapshot.Path, "e", "fresh"), "fresh");

        Assert.Equal(["e/", "e/.wh..wh..opq=", "e/fresh=fresh"], await EntriesAsync(await snapshot.CommitAsync(Uncompressed, Token)));
    }

    [Fact]
    public async Task A_committed_snapshot_is_a_parent_whose_tree_holds_the_changes()
    {
        var parents = await ParentsAsync();
        LayerRef committed;
        using (var snapshot = await PrepareAsync(parents))
        {
            File.WriteAllText(Path.Join(snapshot.Path, "d", "new"), "newer");
            File.Delete(Path.Join(snapshot.Path, "e", "w"));
            committed = await snapshot.CommitAsync(new LayerCommitOptions(), Token);
        }

        Assert.Equal(MediaTypes.OciLayerGzip, committed.Blob.MediaType);
        Assert.True(Store.Blobs.Exists(committed.Blob.Digest));
        using var next = await PrepareAsync([.. parents, committed]);
        Assert.Equal(["d/", "d/new=newer", "e/", "e/z=z2", "link->a"], Tree(next.Path));
    }

    [Fact]
    public async Task A_snapshot_commits_once_and_its_blob_joins_the_lease_given()
    {
        using var lease = Store.CreateLease();
        using var snapshot = await PrepareAsync(await ParentsAsync());
        File.WriteAllText(Path.Join(snapshot.Path, "top"), "top");

        var committed = await snapshot.CommitAsync(new LayerCommitOptions { Lease = lease }, Token);

        Assert.Contains(committed.Blob.Digest, lease.Digests);
        await Assert.ThrowsAsync<InvalidOperationException>(() => snapshot.CommitAsync(new LayerCommitOptions(), Token));
    }

    [Fact]
    public async Task Nothing_changed_commits_an_empty_layer()
    {
        using var snapshot = await PrepareAsync(await ParentsAsync());

        Assert.Empty(await EntriesAsync(await snapshot.CommitAsync(Uncompressed, Token)));
    }

    [Fact]
    public async Task Removing_an_active_snapshot_leaves_nothing_under_the_store()
    {
        var parents = await ParentsAsync();
        // What the parents leave behind (an unpacked snapshot of each, for overlayfs) stays: it is shared.
        (await PrepareAsync(parents)).Dispose();
        var before = StoreContents();
        var directory = NewDirectory();

        using (var snapshot = await Snapshotter.PrepareAsync(directory, parents, Token))
        {
            File.WriteAllText(Path.Join(snapshot.Path, "top"), "top");
            Directory.Delete(Path.Join(snapshot.Path, "d"), recursive: true);
        }

        Assert.False(Directory.Exists(directory));
        Assert.Equal(before, StoreContents());
    }

    [Fact]
    public async Task Two_active_snapshots_over_the_same_parents_are_independent()
    {
        var parents = await ParentsAsync();
        using var one = await PrepareAsync(parents);
        using var two = await PrepareAsync(parents);

        File.WriteAllText(Path.Join(one.Path, "mine"), "one");
        File.Delete(Path.Join(one.Path, "e", "w"));
        File.WriteAllText(Path.Join(two.Path, "mine"), "two");

        Assert.Equal(["d/", "d/new=new", "e/", "e/z=z2", "link->a", "mine=one"], Tree(one.Path));
        Assert.Equal(["d/", "d/new=new", "e/", "e/w=w", "e/z=z2", "link->a", "mine=two"], Tree(two.Path));
        var first = await one.CommitAsync(Uncompressed, Token);
        var second = await two.CommitAsync(Uncompressed, Token);
        Assert.Equal(["e/", "e/.wh.w=", "mine=one"], await EntriesAsync(first));
        Assert.Equal(["mine=two"], await EntriesAsync(second));
    }
}
