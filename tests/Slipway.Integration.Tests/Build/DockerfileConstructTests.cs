using Slipway.Integration.Tests.Fixtures;

namespace Slipway.Integration.Tests.Build;

/// <summary>Dockerfile constructs run for real as BuildKit runs them: #! heredocs, heredoc file descriptors, symbolic
/// --chmod, --chown=user's group, and what EXPOSE, WORKDIR and STOPSIGNAL leave in the config.</summary>
public sealed class DockerfileConstructTests(BusyboxStore store) : IClassFixture<BusyboxStore>, IDisposable
{
    private readonly TempDirectory _temp = new();

    private SlipwayRunner Runner => store.Runner;

    public void Dispose() => _temp.Dispose();

    private string Context(string dockerfile, params (string Name, string Text)[] files) => _temp.Context(dockerfile, files);

    [Fact]
    public async Task A_shebang_heredoc_runs_with_its_interpreter_and_a_file_descriptor_heredoc_reaches_the_shell()
    {
        store.Require();
        var context = Context(
            """
            FROM busybox:1.35
            RUN <<EOF
            #!/bin/sh
            echo "ran as $0" > /by-script
            EOF
            RUN 3<<EOF cat <&3 > /fd3
            from fd three
            EOF
            """);

        await Runner.OkAsync("build", "--progress", "plain", "-t", "heredoc-script:1", context);

        var run = await Runner.OkAsync("run", "--rm", "heredoc-script:1", "cat", "/by-script", "/fd3");
        Assert.Equal("ran as /dev/pipes/EOF\nfrom fd three\n", run.Output);
    }

    [Fact]
    public async Task Symbolic_chmod_and_chown_to_a_name_a_number_or_a_missing_name_give_buildkits_modes_and_owners()
    {
        store.Require();
        var context = Context(
            """
            FROM busybox:1.35
            RUN echo 'app:x:1000:1001::/:/bin/sh' >> /etc/passwd
            COPY --chmod=u+x,g-w --chown=app run.sh /run.sh
            COPY --chown=1000 run.sh /numeric.sh
            COPY --chown=missinguser:missinggroup run.sh /missing.sh
            COPY --chown=app:missinggroup run.sh /nogroup.sh
            """, ("run.sh", "#!/bin/sh\n"));
        File.SetUnixFileMode(Path.Join(context, "run.sh"), (UnixFileMode)0x1B4); // 0664

        await Runner.OkAsync("build", "--progress", "plain", "-t", "chmod-chown:1", context);

        // A name the image lacks is not an error in BuildKit's file op: the user is 0:0, a group leaves the user's.
        var run = await Runner.OkAsync("run", "--rm", "chmod-chown:1", "stat", "-c", "%a %u:%g", "/run.sh", "/numeric.sh", "/missing.sh", "/nogroup.sh");
        Assert.Equal("744 1000:1001\n664 1000:1000\n664 0:0\n664 1000:1001\n", run.Output);
    }

    [Fact]
    public async Task EXPOSE_WORKDIR_and_STOPSIGNAL_leave_what_buildkit_leaves_in_the_config()
    {
        store.Require();
        var context = Context("FROM busybox:1.35\nARG PORTS=\"80 443/udp\"\nEXPOSE $PORTS 127.0.0.1:8080:22\nWORKDIR /srv/app/\nSTOPSIGNAL SIGQUIT\n");

        await Runner.OkAsync("build", "--progress", "plain", "-t", "config-constructs:1", context);

        var config = (await BuiltImage.InspectAsync(Runner, "config-constructs:1")).GetProperty("Config");
        Assert.Equal(["22/tcp", "443/udp", "80/tcp"], config.GetProperty("ExposedPorts").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("/srv/app/", config.GetProperty("WorkingDir").GetString());
        Assert.Equal("SIGQUIT", config.GetProperty("StopSignal").GetString());
    }

    [Fact]
    public async Task An_unknown_STOPSIGNAL_fails_at_its_line_with_buildkits_message()
    {
        store.Require();
        var context = Context("FROM busybox:1.35\nSTOPSIGNAL SIGFOO\n");

        var failed = await Runner.RunAsync("build", "--progress", "plain", context);

        Assert.Equal(1, failed.Exit);
        Assert.Contains("Dockerfile:2:1: invalid signal: SIGFOO\nSTOPSIGNAL SIGFOO\n^", failed.Error, StringComparison.Ordinal);
    }
}
