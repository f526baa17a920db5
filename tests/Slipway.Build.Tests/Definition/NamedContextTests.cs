using Slipway.Build.Definition;

namespace Slipway.Build.Tests.Definition;

/// <summary><c>--build-context NAME=VALUE</c> as buildx reads it: the kind from the value's scheme, the name
/// normalised as BuildKit matches it against FROM and --from.</summary>
public sealed class NamedContextTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-named-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static NamedContext Parse(string spec)
    {
        Assert.True(NamedContext.TryParse(spec, out var context, out var error), error);
        return context;
    }

    private static string Fail(string spec)
    {
        Assert.False(NamedContext.TryParse(spec, out _, out var error));
        return error;
    }

    [Fact]
    public void A_docker_image_value_names_an_image_reference()
    {
        var context = Assert.IsType<ImageContext>(Parse("alpine=docker-image://alpine@sha256:" + new string('a', 64)));
        Assert.Equal("alpine", context.Name);
        Assert.Equal("docker.io/library/alpine@sha256:" + new string('a', 64), context.Reference.ToString());
    }

    [Fact]
    public void A_directory_value_is_the_directory_and_must_be_one()
    {
        var context = Assert.IsType<DirectoryContext>(Parse("project=" + _dir.FullName));
        Assert.Equal(("project", _dir.FullName), (context.Name, context.Path));
        Assert.Equal("failed to get build context project: stat /nonexistent/src: no such file or directory", Fail("project=/nonexistent/src"));
        var file = Path.Join(_dir.FullName, "f");
        File.WriteAllText(file, "x");
        Assert.Equal($"failed to get build context path project={file}: not a directory", Fail("project=" + file));
    }

    [Fact]
    public void An_oci_layout_value_takes_a_tag_or_a_digest_and_defaults_to_latest()
    {
        Directory.CreateDirectory(Path.Join(_dir.FullName, "blobs"));
        File.WriteAllText(Path.Join(_dir.FullName, "index.json"), "{}");
        var digest = "sha256:" + new string('b', 64);

        var byDefault = Assert.IsType<LayoutContext>(Parse($"base=oci-layout://{_dir.FullName}"));
        Assert.Equal((_dir.FullName, "latest", (Slipway.Oci.Digest?)null), (byDefault.Path, byDefault.Tag, byDefault.Digest));
        var byTag = Assert.IsType<LayoutContext>(Parse($"base=oci-layout://{_dir.FullName}:v1"));
        Assert.Equal((_dir.FullName, "v1"), (byTag.Path, byTag.Tag));
        var byDigest = Assert.IsType<LayoutContext>(Parse($"base=oci-layout://{_dir.FullName}@{digest}"));
        Assert.Equal((_dir.FullName, null, digest), (byDigest.Path, byDigest.Tag, byDigest.Digest?.Value));
        Assert.StartsWith("oci-layout reference \"oci-layout:///nonexistent\" could not be resolved", Fail("base=oci-layout:///nonexistent"),
            StringComparison.Ordinal);
    }

    [Fact]
    public void An_https_value_is_a_url_and_a_git_one_is_refused_for_now()
    {
        var context = Assert.IsType<UrlContext>(Parse("data=https://example.com/data.json"));
        Assert.Equal("https://example.com/data.json", context.Url.ToString());
        Assert.Equal("build context src=https://example.com/repo.git: git repositories and bake targets are not supported as build contexts yet",
            Fail("src=https://example.com/repo.git"));
    }

    [Theory]
    [InlineData("project", "invalid context value: project, expected key=value")]
    [InlineData("Bad=docker-image://alpine", "invalid context name Bad: invalid reference format: repository name (library/Bad) must be lowercase")]
    [InlineData("a=docker-image://Bad Ref", "invalid build context a: docker-image://Bad Ref: ")]
    public void A_malformed_value_says_what_is_wrong_as_buildx_does(string spec, string message)
    {
        Assert.StartsWith(message, Fail(spec), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alpine", "alpine")]
    [InlineData("alpine:latest", "alpine")]
    [InlineData("docker.io/library/alpine", "alpine")]
    [InlineData("alpine:3.18", "alpine:3.18")]
    [InlineData("registry.example.com/team/base", "registry.example.com/team/base")]
    public void Names_match_as_BuildKit_normalises_them(string written, string name)
    {
        var context = new ImageContext(name, Slipway.Oci.ImageReference.Parse("busybox"));
        Assert.Same(context, NamedContext.Find([context], written));
    }

    [Fact]
    public void A_later_context_of_the_same_name_wins_and_other_names_find_none()
    {
        var first = new ImageContext("base", Slipway.Oci.ImageReference.Parse("busybox"));
        var second = new ImageContext("base", Slipway.Oci.ImageReference.Parse("alpine"));
        Assert.Same(second, NamedContext.Find([first, second], "base:latest"));
        Assert.Null(NamedContext.Find([first], "other"));
    }
}
