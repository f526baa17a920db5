using Slipway.Build.Engine;
using Slipway.Build.Git;

namespace Slipway.Build.Tests.Git;

public sealed class GitSubdirTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-subdir-");

    private string Checkout => Path.Join(_dir.FullName, "checkout");

    public GitSubdirTests()
    {
        Directory.CreateDirectory(Path.Join(Checkout, "docs", "api"));
        File.WriteAllText(Path.Join(Checkout, "README"), "readme");
        Directory.CreateDirectory(Path.Join(_dir.FullName, "outside"));
        File.CreateSymbolicLink(Path.Join(Checkout, "out"), "../outside");
        File.CreateSymbolicLink(Path.Join(Checkout, "abs"), "/etc");
        File.CreateSymbolicLink(Path.Join(Checkout, "inner"), "docs");
    }

    public void Dispose() => _dir.Delete(true);

    [Theory]
    [InlineData("", "")]
    [InlineData("/", "")]
    [InlineData("docs", "docs")]
    [InlineData("/docs/api/", "docs/api")]
    [InlineData("./docs/../docs/api", "docs/api")]
    public void A_subdir_inside_the_repository_resolves_to_its_directory(string subdir, string expected) =>
        Assert.Equal(Path.Join(Checkout, expected).TrimEnd('/'), GitSubdir.Resolve(Checkout, subdir).TrimEnd('/'));

    [Theory]
    [InlineData("..")]
    [InlineData("../x")]
    [InlineData("../checkout/docs")]
    [InlineData("docs/../../outside")]
    [InlineData("/../etc")]
    public void A_subdir_that_climbs_out_of_the_repository_is_refused_by_name(string subdir) =>
        Assert.Equal($"invalid subdir \"{subdir}\": it leads outside the repository",
            Assert.Throws<BuildException>(() => GitSubdir.Resolve(Checkout, subdir)).Message);

    [Theory]
    [InlineData("out", "out", "../outside")]
    [InlineData("abs/ssl", "abs", "/etc")]
    [InlineData("inner", "inner", "docs")]
    public void A_subdir_through_a_symlink_is_refused_wherever_the_link_points(string subdir, string link, string target) =>
        Assert.Equal($"invalid subdir \"{subdir}\": \"{link}\" is a symlink (to \"{target}\"), not a directory of the repository",
            Assert.Throws<BuildException>(() => GitSubdir.Resolve(Checkout, subdir)).Message);

    [Fact]
    public void A_subdir_that_is_a_file_or_missing_says_so()
    {
        Assert.Equal("invalid subdir \"README\": git subpath \"README\" contains non-directory \"README\"",
            Assert.Throws<BuildException>(() => GitSubdir.Resolve(Checkout, "README")).Message);
        Assert.Equal("invalid subdir \"docs/nope\": \"docs/nope\" does not exist in the repository",
            Assert.Throws<BuildException>(() => GitSubdir.Resolve(Checkout, "docs/nope")).Message);
    }

    [Theory]
    [InlineData("a/..", false)]
    [InlineData("a/../..", true)]
    [InlineData("./..", true)]
    [InlineData("a/b/../../c", false)]
    public void Climbs_says_whether_a_dotdot_leaves_the_start(string subdir, bool climbs) => Assert.Equal(climbs, GitSubdir.Climbs(subdir));
}
