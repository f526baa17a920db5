using Slipway.Integration.Tests.Fixtures;

namespace Slipway.Integration.Tests.Build;

/// <summary>Regression cases for what a step means, each from a build that once went wrong.</summary>
public sealed class StepSemanticsTests(BusyboxStore store) : IClassFixture<BusyboxStore>, IDisposable
{
    private readonly TempDirectory _temp = new();

    private SlipwayRunner Runner => store.Runner;

    public void Dispose() => _temp.Dispose();

    private string Context(string dockerfile, params (string Name, string Text)[] files) => _temp.Context(dockerfile, files);

    [Fact]
    public async Task Two_steps_that_make_the_same_layer_share_its_snapshot_and_later_steps_still_mount()
    {
        store.Require();

        // Both COPYs make the same layer, so one snapshot appeared twice among the overlay lowerdirs and the
        // next mount failed with "Too many levels of symbolic links" (two RUNs that change nothing do the same).
        var context = Context("FROM busybox:1.35\nCOPY f /f\nCOPY f /f\nRUN cat /f\n", ("f", "after two equal layers\n"));

        var build = await Runner.OkAsync("build", "--progress", "plain", "-t", "equal-layers:1", context);

        Assert.Contains("after two equal layers", build.Error, StringComparison.Ordinal);
        Assert.Equal("after two equal layers\n", (await Runner.OkAsync("run", "--rm", "equal-layers:1", "cat", "/f")).Output);
    }

    [Fact]
    public async Task ENV_expands_every_pair_of_a_line_against_the_environment_before_the_line()
    {
        store.Require();

        // The Dockerfile reference's example: def gets the old abc, ghi the new one.
        var context = Context("FROM busybox:1.35\nENV abc=hello\nENV abc=bye def=$abc\nENV ghi=$abc\n");

        await Runner.OkAsync("build", "--progress", "plain", "-t", "env-pairs:1", context);

        var env = (await BuiltImage.InspectAsync(Runner, "env-pairs:1")).GetProperty("Config").GetProperty("Env")
            .EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("abc=bye", env);
        Assert.Contains("def=hello", env);
        Assert.Contains("ghi=bye", env);
    }

    [Fact]
    public async Task A_RUN_heredoc_runs_its_body_as_the_script_or_feeds_it_to_the_command()
    {
        store.Require();

        // The body never reached the shell: `RUN <<EOT` ran `sh -c "<<EOT"`, which succeeds doing nothing.
        var context = Context(
            """
            FROM busybox:1.35
            RUN <<EOT
            echo "script $HOME" > /script
            EOT
            RUN cat <<EOF >/fed
            fed $HOME
            EOF
            RUN <<-EOT
            	echo chomped > /chomped
            	EOT
            """);

        await Runner.OkAsync("build", "--progress", "plain", "-t", "heredocs:1", context);

        var run = await Runner.OkAsync("run", "--rm", "heredocs:1", "cat", "/script", "/fed", "/chomped");
        Assert.Equal("script /root\nfed /root\nchomped\n", run.Output);
    }

    [Fact]
    public async Task COPY_of_a_file_to_an_existing_directory_puts_it_inside_under_the_name_written()
    {
        store.Require();

        // The file replaced the directory, and a symlinked source took its target's name.
        var context = Context(
            """
            FROM busybox:1.35
            RUN mkdir /existing && ln -s /existing /dirlink
            COPY f1 /existing
            COPY f2 /dirlink
            COPY linked /into/
            COPY f1 /newfile
            """,
            ("f1", "one\n"), ("f2", "two\n"));
        File.CreateSymbolicLink(Path.Join(context, "linked"), "f1");

        await Runner.OkAsync("build", "--progress", "plain", "-t", "copy-dest:1", context);

        var run = await Runner.OkAsync("run", "--rm", "copy-dest:1", "cat", "/existing/f1", "/existing/f2", "/into/linked", "/newfile");
        Assert.Equal("one\ntwo\none\none\n", run.Output);
    }
}
