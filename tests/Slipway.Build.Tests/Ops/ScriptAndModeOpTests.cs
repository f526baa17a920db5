using Slipway.Build.Engine;
using Slipway.Store.Layers;
using Slipway.Testing;

namespace Slipway.Build.Tests.Ops;

/// <summary>RUN heredocs as BuildKit passes them (a #! script mounted as a file, file descriptors kept for the
/// shell), WORKDIR kept as written, and COPY --chmod in symbolic form.</summary>
public sealed class ScriptAndModeOpTests
{
    private static uint Me => LayerNative.EffectiveUserId;

    private static StepState Stage()
    {
        var state = OpsFixture.State();
        return LayerNative.IsRoot ? state
            : state with { Config = state.Config with { Config = state.Container with { User = $"{Me}:{Me}" } } };
    }

    [Fact]
    public async Task A_heredoc_starting_with_a_shebang_runs_as_a_file_with_that_interpreter()
    {
        string? script = null;
        UnixFileMode mode = default;
        var runtime = new FakeContainerRuntime((process, _) =>
        {
            var host = process.HostPath("/dev/pipes/EOF");
            script = File.ReadAllText(host);
            mode = File.GetUnixFileMode(host);
            return Task.FromResult(0);
        });
        const string run = "RUN --network=none <<EOF";
        using var ops = new OpsFixture($"FROM scratch\n{run}\n#!/usr/bin/env python3\nprint(\"hi $HOME\")\nEOF\n", runtime: runtime);

        var state = await ops.ExecAsync(run, Stage());

        var spec = Assert.Single(runtime.Runs);
        Assert.Equal(["/bin/sh", "-c", "/dev/pipes/EOF"], spec.Process.Args);
        var mount = Assert.Single(spec.Mounts, m => m.Destination == "/dev/pipes");
        Assert.Equal(["rbind", "ro"], mount.Options);
        Assert.Equal("#!/usr/bin/env python3\nprint(\"hi $HOME\")\n", script);
        Assert.Equal((UnixFileMode)0x1ED, mode);
        Assert.Equal("RUN /bin/sh -c /dev/pipes/EOF # buildkit", state.Config.History![^1].CreatedBy);
    }

    [Fact]
    public async Task A_shebang_script_is_keyed_by_its_body()
    {
        using var one = new OpsFixture("FROM scratch\nRUN <<EOF\n#!/bin/sh\necho one\nEOF\n");
        using var two = new OpsFixture("FROM scratch\nRUN <<EOF\n#!/bin/sh\necho two\nEOF\n");

        var a = await one.CacheMapAsync("RUN <<EOF", OpsFixture.State());
        var b = await two.CacheMapAsync("RUN <<EOF", OpsFixture.State());

        Assert.NotEqual(a.Content, b.Content);
    }

    [Fact]
    public async Task A_heredoc_on_another_file_descriptor_reaches_the_shell_with_its_descriptor()
    {
        var runtime = new FakeContainerRuntime((_, _) => Task.FromResult(0));
        const string run = "RUN --network=none 3<<EOF cat /dev/fd/3";
        using var ops = new OpsFixture($"FROM scratch\n{run}\nfd three\nEOF\n", runtime: runtime);

        await ops.ExecAsync(run, Stage());

        Assert.Equal(["/bin/sh", "-c", "3<<EOF cat /dev/fd/3\nfd three\nEOF"], Assert.Single(runtime.Runs).Process.Args);
    }

    [Theory]
    [InlineData("/app/", "", "/app/")]
    [InlineData("/a/../b", "", "/a/../b")]
    [InlineData("sub/", "/app/", "/app/sub")]
    [InlineData("../x", "/app", "/x")]
    public async Task WORKDIR_keeps_an_absolute_path_as_written_and_cleans_a_relative_one(string path, string current, string expected)
    {
        using var ops = new OpsFixture($"FROM scratch\nWORKDIR {path}\n");
        var input = Stage();
        input = input with { Config = input.Config with { Config = input.Container with { WorkingDir = current } } };

        var state = await ops.ExecAsync($"WORKDIR {path}", input);

        Assert.Equal(expected, state.Container.WorkingDir);
        Assert.Equal($"WORKDIR {expected}", state.Config.History![^1].CreatedBy);
    }

    [Fact]
    public async Task COPY_chmod_in_symbolic_form_changes_each_source_files_own_mode()
    {
        var copy = "COPY " + (LayerNative.IsRoot ? "" : $"--chown={Me}:{Me} ") + "--chmod=u+x,g-w run.sh data.txt /app/";
        using var ops = new OpsFixture($"FROM scratch\n{copy}\n");
        File.WriteAllText(Path.Join(ops.Context, "run.sh"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Join(ops.Context, "run.sh"), (UnixFileMode)0x1B4); // 0664
        File.WriteAllText(Path.Join(ops.Context, "data.txt"), "x");
        File.SetUnixFileMode(Path.Join(ops.Context, "data.txt"), (UnixFileMode)0x1A0); // 0640

        var state = await ops.ExecAsync(copy, Stage());

        using var view = await new Slipway.Store.Snapshots.CopyingSnapshotter(ops.Store).ViewAsync(ops.Store.Layout.NewTmpPath(), state.Layers, TestContext.Current.CancellationToken);
        Assert.Equal((UnixFileMode)0x1E4, File.GetUnixFileMode(Path.Join(view.Path, "app", "run.sh"))); // 0744
        Assert.Equal((UnixFileMode)0x1E0, File.GetUnixFileMode(Path.Join(view.Path, "app", "data.txt"))); // 0740
    }

    [Theory]
    [InlineData("--chmod=abc", "invalid syntax")]
    [InlineData("--chmod=888", "invalid chmod parameter: '888'. it should be octal string and between 0 and 07777")]
    public async Task A_bad_chmod_fails_at_the_COPY_line_with_buildkits_message(string flag, string message)
    {
        var copy = $"COPY {flag} run.sh /app/";
        using var ops = new OpsFixture($"FROM scratch\n{copy}\n");
        File.WriteAllText(Path.Join(ops.Context, "run.sh"), "#!/bin/sh\n");

        var error = await Assert.ThrowsAsync<DockerfileException>(() => ops.ExecAsync(copy, Stage()));

        Assert.Equal($"Dockerfile:2:1: {message}\n{copy}\n^\n", error.Message);
    }
}
