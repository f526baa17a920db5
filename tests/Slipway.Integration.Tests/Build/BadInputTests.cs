using Slipway.Integration.Tests.Fixtures;

namespace Slipway.Integration.Tests.Build;

/// <summary>Builds that must fail, each with the message a user acts on and exit code 1, and builds that try to
/// write outside the image through a symlink or /proc and must stay inside its root filesystem.</summary>
public sealed class BadInputTests(BusyboxStore store) : IClassFixture<BusyboxStore>, IDisposable
{
    private readonly TempDirectory _temp = new();

    private SlipwayRunner Runner => store.Runner;

    public void Dispose() => _temp.Dispose();

    private string Context(string dockerfile, params (string Name, string Text)[] files) => _temp.Context(dockerfile, files);

    private async Task<string> FailAsync(params string[] args)
    {
        var result = await Runner.RunAsync(["build", "--progress", "plain", .. args]);
        Assert.True(result.Exit == 1, $"expected exit 1, got {result.Exit}: {result.Error}");
        return result.Error;
    }

    [Fact]
    public async Task A_failing_RUN_names_the_step_its_dockerfile_line_the_command_and_the_exit_code_as_buildkit_does()
    {
        store.Require();
        var context = Context("FROM busybox:1.35\nRUN echo before && exit 3\n");

        var error = await FailAsync(context);

        // The progress streams the output and ends the step with BuildKit's message alone.
        Assert.Matches(@"\n#2 \d+\.\d{3} before\n", error);
        Assert.Contains("\n#2 ERROR: process \"/bin/sh -c echo before && exit 3\" did not complete successfully: exit code: 3\n", error, StringComparison.Ordinal);
        // Then the last output lines once, the instruction in its Dockerfile, and the error.
        Assert.EndsWith("""

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

            """.ReplaceLineEndings("\n"), error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n'), line => line == "before");
    }

    [Fact]
    public async Task Copying_a_missing_file_fails_with_not_found()
    {
        store.Require();
        var context = Context("FROM busybox:1.35\nCOPY missing.txt /missing.txt\n");

        var error = await FailAsync(context);

        Assert.Contains("ERROR: failed to compute cache key: failed to calculate checksum: \"/missing.txt\": not found\n", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copying_from_above_the_context_reads_nothing_outside_it()
    {
        store.Require();
        var context = Context("FROM busybox:1.35\nCOPY ../outside.txt /outside.txt\n");
        await File.WriteAllTextAsync(Path.Join(Path.GetDirectoryName(context), "outside.txt"), "not in the context", TestContext.Current.CancellationToken);

        var error = await FailAsync(context);

        Assert.Contains("ERROR: failed to compute cache key: failed to calculate checksum: \"/outside.txt\": not found\n", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copying_from_a_stage_name_that_does_not_exist_fails_clearly()
    {
        store.Require();

        // An unknown --from name is an image reference (as in BuildKit); a .invalid registry keeps the lookup off
        // the network.
        var context = Context("FROM busybox:1.35 AS builder\nFROM busybox:1.35\nCOPY --from=registry.invalid/bulider /bin/sh /sh\n");

        var error = await FailAsync(context);

        // The lookup failure was an unhandled HttpRequestException with a stack trace and no word of the name.
        Assert.Contains("ERROR: COPY --from=registry.invalid/bulider: no stage is named \"registry.invalid/bulider\", so it was taken as an image: "
            + "failed to resolve source metadata for registry.invalid/bulider:latest: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_base_image_that_cannot_be_pulled_fails_clearly()
    {
        store.Require();
        var context = Context("FROM registry.invalid/nothing:1\nRUN true\n");

        var error = await FailAsync(context);

        Assert.Contains("ERROR: failed to resolve source metadata for registry.invalid/nothing:1: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_target_fails_before_building()
    {
        store.Require();
        var context = Context("FROM busybox:1.35 AS one\nRUN true\n");

        var error = await FailAsync("--target", "two", context);

        Assert.DoesNotContain("#1 ", error, StringComparison.Ordinal);
        Assert.Contains("two", error, StringComparison.Ordinal);
    }
}
