using Slipway.Build.Engine;
using Slipway.Store.Images;
using Slipway.Cli.Output;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Syntax;
using Slipway.Store;

namespace Slipway.Cli.Tests.Output;

public sealed class ErrorRendererTests
{
    private const string Dockerfile = "FROM busybox:1.35\nRUN echo before && exit 3\n";

    private static RunFailedException Failure(int startLine, int endLine, params string[] tail) =>
        new("[stage-0 2/2] RUN echo before && exit 3", "/bin/sh -c echo before && exit 3", 3, tail,
            new SourceSpan("Dockerfile", startLine, 1, endLine, 10));

    /// <summary>The lines as the parser cuts them, which the build hands the renderer.</summary>
    private static IReadOnlyList<string> Lines(string dockerfile) => DockerfileParser.Parse(dockerfile).SourceLines;

    [Fact]
    public void A_failing_run_is_shown_as_buildkit_shows_it_with_its_last_lines_once()
    {
        var text = ErrorRenderer.Format(Failure(2, 2, "before"), Lines(Dockerfile));

        Assert.Equal("""
            ------
             > [stage-0 2/2] RUN echo before && exit 3:
            before
            ------
            Dockerfile:2
            --------------------
               1 |     FROM busybox:1.35
               2 | >>> RUN echo before && exit 3
            --------------------
            ERROR: failed to solve: process "/bin/sh -c echo before && exit 3" did not complete successfully: exit code: 3

            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void The_message_of_a_failing_run_is_buildkits_alone_so_progress_does_not_repeat_the_output()
    {
        var failure = Failure(2, 2, "before");

        Assert.Equal("process \"/bin/sh -c echo before && exit 3\" did not complete successfully: exit code: 3", failure.Message);
        Assert.Equal("build.run-failed", failure.Code);
    }

    [Fact]
    public void A_run_in_the_middle_of_a_long_dockerfile_gets_two_lines_either_side()
    {
        var dockerfile = "FROM a\nENV A=1\nENV B=2\nRUN false\nENV C=3\nENV D=4\nENV E=5\n";

        var text = ErrorRenderer.Format(Failure(4, 4), Lines(dockerfile));

        Assert.Contains("""
            Dockerfile:4
            --------------------
               2 |     ENV A=1
               3 |     ENV B=2
               4 | >>> RUN false
               5 |     ENV C=3
               6 |     ENV D=4
            --------------------

            """.ReplaceLineEndings("\n"), text, StringComparison.Ordinal);
        Assert.StartsWith("------\n > [stage-0 2/2] RUN echo before && exit 3:\n------\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_over_several_lines_marks_each_of_them()
    {
        var dockerfile = "FROM a\nRUN set -e; \\\n  false\nENV C=3\n";

        var text = ErrorRenderer.Format(Failure(2, 3), Lines(dockerfile));

        Assert.Contains("""
            Dockerfile:2
            --------------------
               1 |     FROM a
               2 | >>> RUN set -e; \
               3 | >>>   false
               4 |     ENV C=3
            --------------------

            """.ReplaceLineEndings("\n"), text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_span_outside_the_dockerfile_shows_no_snippet_but_still_the_error()
    {
        var text = ErrorRenderer.Format(Failure(9, 9), Lines("FROM a\n"));

        Assert.DoesNotContain(">>>", text, StringComparison.Ordinal);
        Assert.EndsWith("ERROR: failed to solve: process \"/bin/sh -c echo before && exit 3\" did not complete successfully: exit code: 3\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_slipway_error_is_one_line_with_the_prefix()
    {
        using var error = new StringWriter();

        var exit = ErrorRenderer.Render(error, new ImageException("No such image: nothing:here"), debug: false);

        Assert.Equal(1, exit);
        Assert.Equal("ERROR: No such image: nothing:here\n", error.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Debug_adds_the_code_and_the_details()
    {
        using var error = new StringWriter();

        ErrorRenderer.Render(error, new UnsafeStoreException("the store root /x is not a directory"), debug: true);

        var lines = error.ToString().ReplaceLineEndings("\n").Split('\n');
        Assert.Equal("ERROR: the store root /x is not a directory", lines[0]);
        Assert.Equal("code: store.unsafe", lines[1]);
        Assert.StartsWith("Slipway.Store.UnsafeStoreException: the store root /x is not a directory", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void A_system_error_is_rendered_in_our_words()
    {
        using var error = new StringWriter();

        ErrorRenderer.Render(error, new DirectoryNotFoundException("Could not find a part of the path '/nonexistent/iid'."), debug: false);

        Assert.Equal("ERROR: open /nonexistent/iid: no such file or directory\n", error.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_plain_user_error_is_one_line_with_the_prefix_and_its_exit_code()
    {
        using var error = new StringWriter();

        Assert.Equal(125, ErrorRenderer.Fail(error, "no OCI runtime found", 125));
        Assert.Equal("ERROR: no OCI runtime found\n", error.ToString().ReplaceLineEndings("\n"));
    }
}
