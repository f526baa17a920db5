using System.Runtime.Versioning;
using Slipway.Store.Layers;

namespace Slipway.Store.Tests.Layers;

[SupportedOSPlatform("linux")]
public sealed class RootResolverTests : IDisposable
{
    private readonly Sandbox _box = new();

    public void Dispose() => _box.Dispose();

    [Theory]
    [InlineData("a/b/c", "a/b/c")]
    [InlineData("/a//b/./c/", "a/b/c")]
    [InlineData("../../a", "a")]
    [InlineData("a/../../b", "b")]
    [InlineData("./", "")]
    [InlineData("/", "")]
    [InlineData("..", "")]
    public void Archive_names_are_cleaned_lexically_inside_the_root(string name, string expected) =>
        Assert.Equal(expected, string.Join('/', RootResolver.Clean(name)));

    [Fact]
    public void An_absolute_symlink_is_re_rooted()
    {
        File.CreateSymbolicLink(_box.InRoot("etc-link"), "/etc");
        var resolver = new RootResolver(_box.Root);

        Assert.Equal(_box.Root + "/etc/passwd", resolver.Resolve(["etc-link", "passwd"], followFinal: true));
    }

    [Fact]
    public void Dot_dot_in_a_link_target_stops_at_the_root()
    {
        Directory.CreateDirectory(_box.InRoot("a/b"));
        File.CreateSymbolicLink(_box.InRoot("a/b/up"), "../../../../../x");
        var resolver = new RootResolver(_box.Root);

        Assert.Equal(_box.Root + "/x", resolver.Resolve(["a", "b", "up"], followFinal: true));
    }

    [Fact]
    public void The_final_component_is_not_followed_for_writes()
    {
        File.CreateSymbolicLink(_box.InRoot("f"), "/etc/passwd");
        var resolver = new RootResolver(_box.Root);

        Assert.Equal(_box.Root + "/f", resolver.Resolve(["f"], followFinal: false));
        Assert.Equal(_box.Root + "/etc/passwd", resolver.Resolve(["f"], followFinal: true));
    }

    [Fact]
    public void A_symlink_loop_stops_after_the_limit_with_a_clear_error()
    {
        File.CreateSymbolicLink(_box.InRoot("self"), "self");
        var resolver = new RootResolver(_box.Root);

        var error = Assert.Throws<LayerExtractionException>(() => resolver.Resolve(["self", "x"], followFinal: true));
        Assert.Contains($"more than {RootResolver.MaxSymlinks}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replaced_parent_is_seen_on_the_next_resolution()
    {
        var resolver = new RootResolver(_box.Root);
        Directory.CreateDirectory(_box.InRoot("d"));
        Assert.Equal(_box.Root + "/d/x", resolver.Resolve(["d", "x"], followFinal: true));

        Directory.Delete(_box.InRoot("d"));
        File.CreateSymbolicLink(_box.InRoot("d"), "/elsewhere");
        Assert.Equal(_box.Root + "/elsewhere/x", resolver.Resolve(["d", "x"], followFinal: true));
    }

    [Fact]
    public void The_host_root_is_not_an_extraction_root() =>
        Assert.Throws<ArgumentException>(() => new RootResolver("/"));
}
