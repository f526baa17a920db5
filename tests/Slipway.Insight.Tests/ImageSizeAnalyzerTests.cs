using Slipway.Insight;
using Slipway.Oci;
using static Slipway.Insight.Tests.SyntheticImage;

namespace Slipway.Insight.Tests;

public sealed class ImageSizeAnalyzerTests
{
    [Fact]
    public async Task A_file_a_later_layer_deletes_is_wasted_and_names_both_layers()
    {
        var report = await new SyntheticImage()
            .Layer(Dir("etc"), File("etc/keep", 100))
            .Layer(File("big", 5000))
            .Layer(Whiteout("big"))
            .AnalyzeAsync();

        Assert.Equal(5100, report.AddedBytes);
        Assert.Equal(100, report.FinalBytes);
        Assert.Equal(5000, report.WastedBytes);
        var wasted = Assert.Single(report.Wasted);
        Assert.Equal(new WastedFile("/big", 5000, 1, 2, WasteKind.Deleted), wasted);
        Assert.Equal(5000, report.Layers[1].WastedSize);
        Assert.Equal(1, report.Layers[2].Whiteouts);
        Assert.Equal(0, report.Layers[2].Files);
    }

    [Fact]
    public async Task A_file_a_later_layer_writes_again_wastes_the_earlier_bytes()
    {
        var report = await new SyntheticImage()
            .Layer(Dir("etc"), File("etc/conf", 100))
            .Layer(Dir("etc"), File("etc/conf", 30))
            .AnalyzeAsync();

        Assert.Equal(130, report.AddedBytes);
        Assert.Equal(30, report.FinalBytes);
        Assert.Equal(new WastedFile("/etc/conf", 100, 0, 1, WasteKind.Overwritten), Assert.Single(report.Wasted));
        Assert.Equal(new PathSize("/etc/conf", 30, 1), Assert.Single(report.LargestFiles));
    }

    [Fact]
    public async Task An_opaque_directory_hides_what_lower_layers_put_in_it_but_keeps_its_own_layer_entries()
    {
        var report = await new SyntheticImage()
            .Layer(Dir("app"), File("app/a", 10), Dir("app/sub"), File("app/sub/b", 20), File("other", 5))
            // The new entry comes before the marker in the tar: order within the layer must not matter.
            .Layer(Dir("app"), File("app/c", 7), Opaque("app"))
            .AnalyzeAsync();

        Assert.Equal(12, report.FinalBytes);
        Assert.Equal(30, report.WastedBytes);
        Assert.Equal(["/app/a", "/app/sub/b"], report.Wasted.Select(w => w.Path).Order(StringComparer.Ordinal));
        Assert.All(report.Wasted, w => Assert.Equal((0, 1, WasteKind.Deleted), (w.AddedBy, w.RemovedBy, w.Kind)));
        Assert.Equal(["/app/c", "/other"], report.LargestFiles.Select(f => f.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Whiting_out_a_directory_wastes_everything_under_it()
    {
        var report = await new SyntheticImage()
            .Layer(Dir("cache"), Dir("cache/x"), File("cache/x/1", 40), File("cache/2", 60))
            .Layer(Whiteout("cache"))
            .AnalyzeAsync();

        Assert.Equal(0, report.FinalBytes);
        Assert.Equal(100, report.WastedBytes);
        Assert.Equal(2, report.WastedFileCount);
        Assert.Equal(0, report.Efficiency);
    }

    [Fact]
    public async Task A_file_put_where_a_directory_was_hides_the_directory_contents()
    {
        var report = await new SyntheticImage()
            .Layer(Dir("opt"), File("opt/tool", 50))
            .Layer(File("opt", 3))
            .AnalyzeAsync();

        Assert.Equal(3, report.FinalBytes);
        Assert.Equal(new WastedFile("/opt/tool", 50, 0, 1, WasteKind.Overwritten), Assert.Single(report.Wasted));
    }

    [Fact]
    public async Task A_whiteout_does_not_remove_what_its_own_layer_adds_after_a_file_from_below()
    {
        var report = await new SyntheticImage()
            .Layer(File("a", 10), File("b", 20))
            .Layer(Whiteout("a"), File("b", 20), Link("c"))
            .AnalyzeAsync();

        Assert.Equal(20, report.FinalBytes);
        Assert.Equal(30, report.WastedBytes);
        Assert.Equal(50, report.AddedBytes);
        Assert.Equal(2, report.Layers[1].Files);
    }

    [Fact]
    public async Task Efficiency_is_the_final_bytes_over_the_bytes_the_layers_added()
    {
        var report = await new SyntheticImage()
            .Layer(File("a", 900), File("b", 100))
            .Layer(Whiteout("b"))
            .AnalyzeAsync();

        Assert.Equal(0.9, report.Efficiency, 6);
        Assert.Equal(report.AddedBytes - report.WastedBytes, report.FinalBytes);
    }

    [Fact]
    public async Task An_image_with_no_file_content_is_fully_efficient()
    {
        var report = await new SyntheticImage().Layer(Dir("empty")).AnalyzeAsync();

        Assert.Equal(1, report.Efficiency);
        Assert.Equal(0, report.FinalBytes);
    }

    [Fact]
    public async Task Uncompressed_and_gzip_layers_read_the_same()
    {
        var plain = await new SyntheticImage().Layer(false, File("a", 123)).AnalyzeAsync();
        var gzip = await new SyntheticImage().Layer(true, File("a", 123)).AnalyzeAsync();

        Assert.Equal(123, plain.Layers[0].ContentSize);
        Assert.Equal(123, gzip.Layers[0].ContentSize);
        Assert.True(gzip.Layers[0].CompressedSize < plain.Layers[0].CompressedSize);
    }

    [Fact]
    public async Task Paths_that_climb_out_of_the_root_are_skipped()
    {
        var report = await new SyntheticImage().Layer(File("../escape", 10), File("./in", 5)).AnalyzeAsync();

        Assert.Equal(["/in"], report.LargestFiles.Select(f => f.Path));
    }

    [Fact]
    public async Task Layers_take_the_created_by_of_their_history_entry_skipping_empty_layer_entries()
    {
        var image = new SyntheticImage
        {
            History =
            [
                new HistoryEntry { CreatedBy = "ADD rootfs.tar /" },
                new HistoryEntry { CreatedBy = "ENV A=1", EmptyLayer = true },
                new HistoryEntry { CreatedBy = "RUN make" },
                new HistoryEntry { CreatedBy = "CMD [\"app\"]", EmptyLayer = true },
            ],
        };
        var report = await image.Layer(File("a", 1)).Layer(File("b", 2)).AnalyzeAsync();

        Assert.Equal(["ADD rootfs.tar /", "RUN make"], report.Layers.Select(l => l.CreatedBy));
    }

    [Fact]
    public void Layers_the_history_does_not_cover_have_no_instruction()
    {
        var mapped = ImageSizeAnalyzer.MapHistory([new HistoryEntry { CreatedBy = "RUN a" }, new HistoryEntry { CreatedBy = "ENV x", EmptyLayer = true }], 3);

        Assert.Equal(["RUN a", null, null], mapped.Select(e => e?.CreatedBy));
        Assert.Equal([null, null], ImageSizeAnalyzer.MapHistory(null, 2));
    }

    [Fact]
    public async Task The_largest_directories_count_everything_under_them_and_take_the_layer_with_most_bytes()
    {
        var report = await new SyntheticImage()
            .Layer(Dir("usr"), Dir("usr/lib"), File("usr/lib/small", 10))
            .Layer(File("usr/lib/huge", 1000), File("usr/x", 5))
            .AnalyzeAsync();

        Assert.Equal(new PathSize("/usr", 1015, 1), report.LargestDirectories[0]);
        Assert.Equal(new PathSize("/usr/lib", 1010, 1), report.LargestDirectories[1]);
    }

    [Fact]
    public async Task The_treemap_stays_within_its_node_budget_by_folding_small_directories()
    {
        var entries = Enumerable.Range(0, 50).SelectMany(d => new[] { File($"d{d}/a", 10 + d), File($"d{d}/b", 10) }).ToArray();
        var report = await new SyntheticImage().Layer(entries).AnalyzeAsync(new SizeAnalysisOptions { TreemapNodes = 60 });

        var nodes = Flatten(report.Tree!).ToList();
        Assert.InRange(nodes.Count, 1, 60);
        Assert.Contains(nodes, n => n.Folded);
        Assert.Equal(report.FinalBytes, report.Tree!.Size);
        Assert.Equal(report.FinalBytes, nodes.Where(n => n.Children is null).Sum(n => n.Size));
    }

    private static IEnumerable<TreeNode> Flatten(TreeNode node) =>
        [node, .. (node.Children ?? []).SelectMany(Flatten)];
}
