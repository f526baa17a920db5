using Slipway.Cli.Output;

namespace Slipway.Cli.Tests.Output;

/// <summary><c>images --tree</c> laid out as docker 28's <c>image ls --tree</c> prints to a pipe.</summary>
public sealed class ImageTreeTests
{
    private static readonly string A = "sha256:" + new string('a', 64);
    private static readonly string B = "sha256:" + new string('b', 64);
    private static readonly string C = "sha256:" + new string('c', 64);

    private static string Render(IReadOnlyList<TreeImage> images)
    {
        var output = new StringWriter { NewLine = "\n" };
        ImageTree.Write(output, images);
        return output.ToString();
    }

    [Fact]
    public void An_index_shows_a_row_per_platform_under_its_name_with_an_absent_platform_at_zero()
    {
        var text = Render(
        [
            new TreeImage(["multi:1"], new TreeDetails(A, 2048, 1024, false),
            [
                new TreeChild("linux/amd64", true, new TreeDetails(B, 1500, 700, false)),
                new TreeChild("linux/arm64/v8", false, new TreeDetails(C, 0, 0, false)),
            ]),
        ]);

        // The first column is as wide as "└─ linux/arm64/v8" measured in Go bytes (7 for the prefix): 21.
        Assert.Equal(
            ImageTree.Warning + "\n"
            + new string(' ', 61) + " Info ->  U In Use \n"
            + "\n"
            + "IMAGE                   ID             DISK USAGE   CONTENT SIZE   EXTRA\n"
            + "multi:1                 aaaaaaaaaaaa       2.05kB         1.02kB        \n"
            + "\n"
            + "├─ linux/amd64          bbbbbbbbbbbb        1.5kB           700B        \n"
            + "└─ linux/arm64/v8       cccccccccccc           0B             0B        \n"
            + "\n",
            text);
    }

    [Fact]
    public void Several_names_print_all_but_the_shortest_on_lines_of_their_own_and_use_marks_the_extra_column()
    {
        var text = Render(
        [
            new TreeImage(["a:1", "longer/name:2"], new TreeDetails(A, 10, 10, true),
                [new TreeChild("linux/amd64", true, new TreeDetails(B, 10, 10, true))]),
            new TreeImage([], new TreeDetails(C, 5, 5, false), [new TreeChild("linux/amd64", true, new TreeDetails(C, 5, 5, false))]),
        ]);

        var lines = text.Split('\n');
        Assert.Equal("longer/name:2", lines[4]);
        Assert.StartsWith("a:1                  aaaaaaaaaaaa", lines[5], StringComparison.Ordinal);
        Assert.EndsWith("   U    ", lines[5], StringComparison.Ordinal);
        Assert.StartsWith("<untagged>           cccccccccccc", lines[9], StringComparison.Ordinal);
    }
}
