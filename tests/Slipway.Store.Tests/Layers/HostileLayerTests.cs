using System.Formats.Tar;
using System.Runtime.Versioning;
using Slipway.Store.Layers;

namespace Slipway.Store.Tests.Layers;

/// <summary>Crafted layers that try to write or remove outside the root. Each asserts where the write landed
/// inside the root, and that the sentinel tree beside the root is untouched.</summary>
[SupportedOSPlatform("linux")]
public sealed class HostileLayerTests : IDisposable
{
    private readonly Sandbox _box = new();

    public void Dispose() => _box.Dispose();

    [Fact]
    public async Task Dot_dot_entry_names_are_cleaned_into_the_root()
    {
        await _box.ApplyAsync(new TarBuilder().File("../x", "evil").File("a/../../../sentinel/keep", "evil"));

        Assert.Equal("evil", File.ReadAllText(_box.InRoot("x")));
        Assert.Equal("evil", File.ReadAllText(_box.InRoot("sentinel/keep")));
        _box.AssertOutsideUntouched();
    }

    [Fact]
    public async Task Absolute_entry_names_land_inside_the_root()
    {
        await _box.ApplyAsync(new TarBuilder().File(_box.Sentinel + "/keep", "evil").File("/etc/slipway-test", "x"));

        Assert.Equal("evil", File.ReadAllText(_box.InRoot(_box.Sentinel + "/keep")));
        Assert.True(File.Exists(_box.InRoot("etc/slipway-test")));
        Assert.False(File.Exists("/etc/slipway-test"));
        _box.AssertOutsideUntouched();
    }

    [Fact]
    public async Task A_symlink_to_etc_is_followed_inside_the_root_in_the_same_layer()
    {
        await _box.ApplyAsync(new TarBuilder()
            .Symlink("escape", "/etc")
            .File("escape/slipway-test", "evil")
            .Symlink("sentinel-link", _box.Sentinel)
            .File("sentinel-link/keep", "evil"));

        Assert.Equal("/etc", new FileInfo(_box.InRoot("escape")).LinkTarget);
        Assert.Equal("evil", File.ReadAllText(_box.InRoot("etc/slipway-test")));
        Assert.Equal("evil", File.ReadAllText(_box.InRoot(_box.Sentinel + "/keep")));
        Assert.False(File.Exists("/etc/slipway-test"));
        _box.AssertOutsideUntouched();
    }

    [Fact]
    public async Task A_symlink_from_an_earlier_layer_is_followed_inside_the_root()
    {
        await _box.ApplyAsync(new TarBuilder().Symlink("escape", _box.Sentinel).Symlink("up", "../../../.."));
        await _box.ApplyAsync(new TarBuilder().File("escape/keep", "evil").File("up/x", "evil"));

        Assert.Equal("evil", File.ReadAllText(_box.InRoot(_box.Sentinel + "/keep")));
        Assert.Equal("evil", File.ReadAllText(_box.InRoot("x")));
        _box.AssertOutsideUntouched();
    }

    [Fact]
    public async Task Chained_relative_symlinks_are_clamped_at_the_root()
    {
        await _box.ApplyAsync(new TarBuilder()
            .Dir("d/")
            .Symlink("d/a", "b")
            .Symlink("d/b", "../../..")
            .File("d/a/x", "evil")
            .File("d/a/sentinel/keep", "evil"));

        Assert.Equal("evil", File.ReadAllText(_box.InRoot("x")));
        Assert.Equal("evil", File.ReadAllText(_box.InRoot("sentinel/keep")));
        Assert.Equal("b", new FileInfo(_box.InRoot("d/a")).LinkTarget);
        _box.AssertOutsideUntouched();
    }

    [Fact]
    public async Task A_symlink_loop_is_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<LayerExtractionException>(() => _box.ApplyAsync(new TarBuilder()
            .Symlink("l1", "l2")
            .Symlink("l2", "l1")
            .File("l1/x")));

        Assert.Contains("too many levels of symbolic links", error.Message, StringComparison.Ordinal);
        Assert.Contains("l1/x", error.Message, StringComparison.Ordinal);
        _box.AssertOutsideUntouched();
    }

    [Fact]
    public async Task A_hardlink_to_a_host_path_is_refused()
    {
        var error = await Assert.ThrowsAsync<LayerExtractionException>(() =>
            _box.ApplyAsync(new TarBuilder().Hardlink("passwd", "/etc/passwd")));

        Assert.Contains("'passwd'", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist in the root", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_box.InRoot("passwd")));
        _box.AssertOutsideUntouched();
    }

    [Fact]
    public async Task A_hardlink_to_dot_dot_resolves_inside_the_root()
    {
        var error = await Assert.ThrowsAsync<LayerExtractionException>(() =>
            _box.ApplyAsync(new TarBuilder().Hardlink("h", "../x")));
        Assert.Contains("hardlink target '../x' does not exist in the root", error.Message, StringComparison.Ordinal);

        await _box.ApplyAsync(new TarBuilder().File("x", "inside").Hardlink("h", "../x"));
        Assert.Equal(LayerNativeView.Inode(_box.InRoot("x")), LayerNativeView.Inode(_box.InRoot("h")));
        _box.AssertOutsideUntouched();
    }

    [Fact]
    public async Task A_hardlink_through_a_symlinked_parent_stays_inside_the_root()
    {
        var error = await Assert.ThrowsAsync<LayerExtractionException>(() =>
            _box.ApplyAsync(new TarBuilder().Symlink("s", _box.Sentinel).Hardlink("h", "s/keep")));

        Assert.Contains("does not exist in the root", error.Message, StringComparison.Ordinal);
        _box.AssertOutsideUntouched();
    }

    [Theory]
    [InlineData(".wh..")]
    [InlineData(".wh...")]
    [InlineData("d/.wh..")]
    [InlineData("d/.wh.")]
    public async Task Whiteouts_naming_dot_or_dot_dot_are_refused(string name)
    {
        await _box.ApplyAsync(new TarBuilder().Dir("d/").File("d/f"));

        var error = await Assert.ThrowsAsync<LayerExtractionException>(() =>
            _box.ApplyAsync(new TarBuilder().File(name, string.Empty)));

        Assert.Contains("invalid whiteout", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(_box.InRoot("d/f")));
        _box.AssertOutsideUntouched();
    }

    [Fact]
    public async Task A_whiteout_under_a_symlink_to_outside_removes_only_inside_the_root()
    {
        await _box.ApplyAsync(new TarBuilder()
            .Symlink("abs", _box.Sentinel)
            .Symlink("rel", "../sentinel")
            .File(_box.Sentinel + "/keep", "inside copy"));

        await _box.ApplyAsync(new TarBuilder()
            .File("abs/.wh.keep", string.Empty)
            .File("rel/.wh.dir", string.Empty)
            .File("rel/.wh.keep", string.Empty));

        Assert.False(File.Exists(_box.InRoot(_box.Sentinel + "/keep")));
        _box.AssertOutsideUntouched();
    }

    [Fact]
    public async Task An_opaque_marker_under_a_symlink_to_outside_empties_only_inside_the_root()
    {
        await _box.ApplyAsync(new TarBuilder().Symlink("abs", _box.Sentinel).Symlink("up", "../../.."));
        await _box.ApplyAsync(new TarBuilder().File("abs/.wh..wh..opq", string.Empty));
        await _box.ApplyAsync(new TarBuilder().File("up/sentinel/.wh..wh..opq", string.Empty));

        _box.AssertOutsideUntouched();
    }

    [Fact]
    public async Task A_symlink_at_the_final_component_is_replaced_not_written_through()
    {
        await _box.ApplyAsync(new TarBuilder().Symlink("f", _box.Sentinel + "/keep").Symlink("g", "../sentinel/keep"));
        await _box.ApplyAsync(new TarBuilder().File("f", "replaced").File("g", "replaced"));

        Assert.Equal("replaced", File.ReadAllText(_box.InRoot("f")));
        Assert.False(LayerNativeView.Stat(_box.InRoot("g")).IsSymlink);
        _box.AssertOutsideUntouched();
    }

    [Fact]
    public async Task A_directory_entry_over_a_symlink_to_outside_replaces_the_link()
    {
        await _box.ApplyAsync(new TarBuilder().Symlink("d", _box.Sentinel));
        await _box.ApplyAsync(new TarBuilder().Dir("d/", (UnixFileMode)0x1FF).File("d/keep", "new"));

        Assert.True(LayerNativeView.Stat(_box.InRoot("d")).IsDirectory);
        Assert.Equal("new", File.ReadAllText(_box.InRoot("d/keep")));
        _box.AssertOutsideUntouched();
    }

    [Fact]
    public async Task Symlink_targets_are_stored_exactly_as_written()
    {
        await _box.ApplyAsync(new TarBuilder()
            .Dir("var/")
            .Symlink("var/run", "/run")
            .Symlink("up", "../../../../etc/passwd")
            .Symlink("odd", "a//b/./c/"));

        Assert.Equal("/run", new FileInfo(_box.InRoot("var/run")).LinkTarget);
        Assert.Equal("../../../../etc/passwd", new FileInfo(_box.InRoot("up")).LinkTarget);
        Assert.Equal("a//b/./c/", new FileInfo(_box.InRoot("odd")).LinkTarget);
        _box.AssertOutsideUntouched();
    }

    [Fact]
    public async Task Device_nodes_are_skipped_with_a_warning_when_they_must_not_reach_the_host()
    {
        var layer = new TarBuilder()
            .Add(new PaxTarEntry(TarEntryType.CharacterDevice, "dev/mem") { DeviceMajor = 1, DeviceMinor = 1 })
            .Add(new PaxTarEntry(TarEntryType.BlockDevice, "dev/sda") { DeviceMajor = 8, DeviceMinor = 0 })
            .File("etc/ok", "fine");

        var result = await LayerExtractor.ExtractAsync(layer.ToStream(), null, _box.Root,
            new ExtractOptions { DeviceNodes = false, Privileged = true }, TestContext.Current.CancellationToken);

        Assert.False(LayerNativeView.Exists(_box.InRoot("dev/mem")));
        Assert.False(LayerNativeView.Exists(_box.InRoot("dev/sda")));
        Assert.Equal("fine", File.ReadAllText(_box.InRoot("etc/ok")));
        Assert.Equal(["layer entry 'dev/mem': device node skipped (not written outside an image)",
            "layer entry 'dev/sda': device node skipped (not written outside an image)"], result.Warnings);
        _box.AssertOutsideUntouched();
    }

    [Fact]
    public async Task A_file_under_a_regular_file_is_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<LayerExtractionException>(() =>
            _box.ApplyAsync(new TarBuilder().File("f").File("f/g")));

        Assert.Contains("'f' is not a directory", error.Message, StringComparison.Ordinal);
        _box.AssertOutsideUntouched();
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("zstd")]
    [InlineData("text")]
    public async Task Garbage_is_not_a_layer(string kind)
    {
        byte[] garbage = kind switch
        {
            "gzip" => [0x1f, 0x8b, 1, 2, 3, 4, 5],
            "zstd" => [0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4, 5, 6, 7, 8],
            _ => Enumerable.Repeat((byte)'x', 512).ToArray(),
        };

        var error = await Assert.ThrowsAsync<LayerExtractionException>(() => LayerExtractor.ExtractAsync(
            new MemoryStream(garbage), null, _box.Root, new ExtractOptions(), TestContext.Current.CancellationToken));

        Assert.Contains("not a valid tar archive", error.Message, StringComparison.Ordinal);
        _box.AssertOutsideUntouched();
    }

    [Fact]
    public async Task A_layer_cut_short_inside_a_file_is_a_clear_error()
    {
        var whole = new TarBuilder().File("big", new string('z', 5000)).ToStream().ToArray();
        var cut = new MemoryStream(whole[..2048]);

        var error = await Assert.ThrowsAsync<LayerExtractionException>(() => LayerExtractor.ExtractAsync(
            cut, null, _box.Root, new ExtractOptions(), TestContext.Current.CancellationToken));

        Assert.Contains("'big'", error.Message, StringComparison.Ordinal);
        _box.AssertOutsideUntouched();
    }
}
