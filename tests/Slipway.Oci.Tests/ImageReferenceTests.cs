namespace Slipway.Oci.Tests;

/// <summary>Expectations copied from distribution/reference's normalize tests, plus Docker's default tag.</summary>
public class ImageReferenceTests
{
    private const string Hex = "dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c";

    [Theory]
    [InlineData("alpine", "docker.io/library/alpine:latest", "alpine:latest")]
    [InlineData("alpine:3.20", "docker.io/library/alpine:3.20", "alpine:3.20")]
    [InlineData("library/alpine", "docker.io/library/alpine:latest", "alpine:latest")]
    [InlineData("docker.io/alpine", "docker.io/library/alpine:latest", "alpine:latest")]
    [InlineData("index.docker.io/library/alpine", "docker.io/library/alpine:latest", "alpine:latest")]
    [InlineData("user/app", "docker.io/user/app:latest", "user/app:latest")]
    [InlineData("localhost/x", "localhost/x:latest", "localhost/x:latest")]
    [InlineData("localhost:5000/x", "localhost:5000/x:latest", "localhost:5000/x:latest")]
    [InlineData("127.0.0.1:5000/x/y:t", "127.0.0.1:5000/x/y:t", "127.0.0.1:5000/x/y:t")]
    [InlineData("[fc00::1]:5000/docker/docker", "[fc00::1]:5000/docker/docker:latest", "[fc00::1]:5000/docker/docker:latest")]
    [InlineData("redis@sha256:" + Hex, "docker.io/library/redis@sha256:" + Hex, "redis@sha256:" + Hex)]
    [InlineData("redis:7@sha256:" + Hex, "docker.io/library/redis:7@sha256:" + Hex, "redis:7@sha256:" + Hex)]
    [InlineData("Foo/bar", "Foo/bar:latest", "Foo/bar:latest")]
    [InlineData("dbcc1", "docker.io/library/dbcc1:latest", "dbcc1:latest")]
    public void A_reference_is_normalised_as_docker_pull_does(string input, string full, string familiar)
    {
        var reference = ImageReference.Parse(input);
        Assert.Equal(full, reference.ToString());
        Assert.Equal(familiar, reference.FamiliarString);
    }

    // TestParseRepositoryInfo: every spelling gives the same familiar name, full name, domain and path.
    [Theory]
    [InlineData("fooo/bar", "fooo/bar", "docker.io/fooo/bar", "docker.io")]
    [InlineData("index.docker.io/fooo/bar", "fooo/bar", "docker.io/fooo/bar", "docker.io")]
    [InlineData("library/ubuntu", "ubuntu", "docker.io/library/ubuntu", "docker.io")]
    [InlineData("ubuntu", "ubuntu", "docker.io/library/ubuntu", "docker.io")]
    [InlineData("nonlibrary/ubuntu", "nonlibrary/ubuntu", "docker.io/nonlibrary/ubuntu", "docker.io")]
    [InlineData("other/library", "other/library", "docker.io/other/library", "docker.io")]
    [InlineData("127.0.0.1:8000/private/moonbase", "127.0.0.1:8000/private/moonbase", "127.0.0.1:8000/private/moonbase", "127.0.0.1:8000")]
    [InlineData("127.0.0.1:8000/privatebase", "127.0.0.1:8000/privatebase", "127.0.0.1:8000/privatebase", "127.0.0.1:8000")]
    [InlineData("example.com/private/moonbase", "example.com/private/moonbase", "example.com/private/moonbase", "example.com")]
    [InlineData("example.com:8000/privatebasee", "example.com:8000/privatebasee", "example.com:8000/privatebasee", "example.com:8000")]
    [InlineData("index.docker.io/library/ubuntu-12.04-base", "ubuntu-12.04-base", "docker.io/library/ubuntu-12.04-base", "docker.io")]
    [InlineData("docker.io/foo", "foo", "docker.io/library/foo", "docker.io")]
    [InlineData("library/foo/bar", "library/foo/bar", "docker.io/library/foo/bar", "docker.io")]
    [InlineData("store/foo/bar", "store/foo/bar", "docker.io/store/foo/bar", "docker.io")]
    [InlineData("FOO/bar", "FOO/bar", "FOO/bar", "FOO")]
    [InlineData("test_com/foo", "test_com/foo", "docker.io/test_com/foo", "docker.io")]
    [InlineData("test-com:8080/foo", "test-com:8080/foo", "test-com:8080/foo", "test-com:8080")]
    [InlineData("xn--n3h.com:18080/foo", "xn--n3h.com:18080/foo", "xn--n3h.com:18080/foo", "xn--n3h.com:18080")]
    public void Every_spelling_of_a_repository_has_one_familiar_and_full_name(
        string input, string familiar, string full, string domain)
    {
        Assert.True(ImageReference.TryParseNormalized(input, out var reference, out var error), error);
        Assert.Equal(familiar, reference.FamiliarName);
        Assert.Equal(full, reference.ToString());
        Assert.Equal(domain, reference.Domain);
    }

    [Theory]
    [InlineData("docker/docker")]
    [InlineData("192.168.0.1")]
    [InlineData("192.168.0.1:80")]
    [InlineData("192.168.0.1:8/debian")]
    [InlineData("[fc00:1:2:3:4:5:6:7]:5000/library/debian")]
    [InlineData("thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev")]
    [InlineData("docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a")]
    [InlineData("docker-rules/docker")]
    [InlineData("docker---rules/docker")]
    [InlineData("d/docker")]
    [InlineData("jess/t")]
    [InlineData("dock__er/docker")]
    [InlineData("localhost/library/debian")]
    [InlineData("LOCALDOMAIN/debian")]
    public void A_valid_repository_name_parses(string input) =>
        Assert.True(ImageReference.TryParseNormalized(input, out _, out var error), error);

    [Theory]
    [InlineData("https://github.com/docker/docker")]
    [InlineData("docker/Docker")]
    [InlineData("-docker")]
    [InlineData("-docker/docker")]
    [InlineData("-docker.io/docker/docker")]
    [InlineData("docker///docker")]
    [InlineData("docker.io/docker/Docker")]
    [InlineData("[fc00::1]")]
    [InlineData("[fc00::1]:5000")]
    [InlineData("fc00::1:5000/debian")]
    [InlineData("[fe80::1%eth0]:5000/debian")]
    [InlineData("1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a")]
    [InlineData("docker-/docker")]
    [InlineData("____/____")]
    [InlineData("_docker/_docker")]
    [InlineData("dock..er/docker")]
    [InlineData("dock_.er/docker")]
    [InlineData("dock-.er/docker")]
    [InlineData("docker/")]
    [InlineData("")]
    [InlineData("alpine:-tag")]
    public void An_invalid_repository_name_is_refused(string input) =>
        Assert.False(ImageReference.TryParse(input, out _, out _));

    [Theory]
    [InlineData("UPPER", "invalid reference format: repository name (library/UPPER) must be lowercase")]
    [InlineData("a b", "invalid reference format")]
    [InlineData("alpine::1", "invalid reference format")]
    [InlineData("1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
        "invalid repository name (1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a), cannot specify 64-byte hexadecimal strings")]
    [InlineData("example.com/UPPER", "invalid reference format: repository name (UPPER) must be lowercase")]
    public void Errors_use_dockers_wording(string input, string expected)
    {
        Assert.False(ImageReference.TryParse(input, out _, out var error));
        Assert.Equal(expected, error);
    }

    // Docker Hub paths shorter than "library/" (8 characters) once threw while being shortened.
    [Theory]
    [InlineData("a/b", "docker.io/a/b:latest", "a/b:latest")]
    [InlineData("joe/web", "docker.io/joe/web:latest", "joe/web:latest")]
    [InlineData("joe/web:1", "docker.io/joe/web:1", "joe/web:1")]
    [InlineData("a/b/c", "docker.io/a/b/c:latest", "a/b/c:latest")]
    [InlineData("ab/cdef", "docker.io/ab/cdef:latest", "ab/cdef:latest")]
    [InlineData("abc/defg", "docker.io/abc/defg:latest", "abc/defg:latest")]
    [InlineData("libra/y", "docker.io/libra/y:latest", "libra/y:latest")]
    [InlineData("library", "docker.io/library/library:latest", "library:latest")]
    [InlineData("library/a", "docker.io/library/a:latest", "a:latest")]
    [InlineData("library/a/b", "docker.io/library/a/b:latest", "library/a/b:latest")]
    [InlineData("docker.io/a/b", "docker.io/a/b:latest", "a/b:latest")]
    [InlineData("docker.io/a", "docker.io/library/a:latest", "a:latest")]
    [InlineData("x", "docker.io/library/x:latest", "x:latest")]
    [InlineData("busybox", "docker.io/library/busybox:latest", "busybox:latest")]
    [InlineData("verylongnamespace/verylongrepository", "docker.io/verylongnamespace/verylongrepository:latest", "verylongnamespace/verylongrepository:latest")]
    [InlineData("localhost/a", "localhost/a:latest", "localhost/a:latest")]
    [InlineData("r.io/a", "r.io/a:latest", "r.io/a:latest")]
    public void A_short_docker_hub_name_has_a_familiar_form(string input, string full, string familiar)
    {
        var reference = ImageReference.Parse(input);
        Assert.Equal(full, reference.ToString());
        Assert.Equal(familiar, reference.FamiliarString);
        Assert.Equal(reference, ImageReference.Parse(reference.FamiliarString));
    }

    [Fact]
    public void Every_docker_hub_path_of_up_to_nine_characters_has_a_familiar_form_that_parses_back()
    {
        for (var length = 1; length <= 9; length++)
        {
            foreach (var path in new[] { new string('a', length), "a/" + new string('b', length), new string('a', length) + "/b" })
            {
                var reference = ImageReference.Parse(path);
                Assert.Equal(reference, ImageReference.Parse(reference.FamiliarString));
            }
        }
    }

    [Fact]
    public void A_name_longer_than_255_characters_is_refused()
    {
        Assert.False(ImageReference.TryParse("a/" + new string('b', 260), out _, out var error));
        Assert.Equal("repository name must not be more than 255 characters", error);
    }

    [Fact]
    public void A_tagged_and_digested_reference_keeps_both_and_is_selected_by_digest()
    {
        var reference = ImageReference.Parse("busybox:latest@sha256:" + Hex);
        Assert.Equal("latest", reference.Tag);
        Assert.Equal("sha256:" + Hex, reference.Digest?.Value);
        Assert.Equal("sha256:" + Hex, reference.Selector);
        Assert.Equal("docker.io/library/busybox", reference.Name);
        Assert.Equal("library/busybox", reference.Path);
    }

    [Fact]
    public void A_malformed_digest_in_a_reference_is_refused() =>
        Assert.False(ImageReference.TryParse("busybox@sha256:" + Hex.ToUpperInvariant(), out _, out _));
}
