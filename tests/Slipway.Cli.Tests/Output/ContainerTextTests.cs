using Slipway.Build.Containers;
using Slipway.Build.Containers.Health;
using Slipway.Cli.Output;
using Slipway.Oci;

namespace Slipway.Cli.Tests.Output;

public sealed class ContainerTextTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static ContainerState Running(int secondsAgo, string? health = null) => new()
    {
        Status = ContainerState.Running,
        StartedAt = Now.AddSeconds(-secondsAgo),
        Health = health is null ? null : new HealthState { Status = health },
    };

    public static TheoryData<ContainerState, string, string> States => new()
    {
        { new ContainerState(), "Created", "created" },
        { Running(8), "Up 8 seconds", "running" },
        { Running(3, HealthState.Starting), "Up 3 seconds (health: starting)", "running" },
        { Running(120, HealthState.Healthy), "Up 2 minutes (healthy)", "running" },
        { Running(300, HealthState.Unhealthy), "Up 5 minutes (unhealthy)", "running" },
        { new ContainerState { Status = ContainerState.Exited, StartedAt = Now.AddMinutes(-1), FinishedAt = Now.AddSeconds(-5) }, "Exited (0) 5 seconds ago", "exited" },
        { new ContainerState { Status = ContainerState.Exited, StartedAt = Now.AddHours(-3), FinishedAt = Now.AddHours(-2), ExitCode = 137 }, "Exited (137) 2 hours ago", "exited" },
        { Running(60).Observed(supervisorAlive: false), "Dead", "dead" },
        { new ContainerState { Status = ContainerState.Exited, ExitCode = 127, Error = "exec failed" }, "Created", "created" },
    };

    [Theory]
    [MemberData(nameof(States))]
    public void Status_and_state_read_as_dockers(ContainerState state, string status, string dockerState)
    {
        Assert.Equal(status, ContainerText.Status(state, Now));
        Assert.Equal(dockerState, ContainerText.State(state));
    }

    [Theory]
    [InlineData("/app", new string[0], false, "\"/app\"")]
    [InlineData("/app", new[] { "--flag" }, false, "\"/app --flag\"")]
    [InlineData("/bin/sh", new[] { "-c", "echo hello world; sleep 1000" }, false, "\"/bin/sh -c 'echo he…\"")]
    [InlineData("/bin/sh", new[] { "-c", "echo hello world; sleep 1000" }, true, "\"/bin/sh -c 'echo hello world; sleep 1000'\"")]
    [InlineData("nginx", new[] { "-g", "daemon off;" }, false, "\"nginx -g 'daemon of…\"")]
    [InlineData("/say", new[] { "a\"b" }, false, "\"/say a\\\"b\"")]
    public void Command_is_quoted_and_cut_as_docker_ps_cuts_it(string path, string[] args, bool noTrunc, string expected)
    {
        Assert.Equal(expected, ContainerText.QuotedCommand(Record(path, args), noTrunc));
    }

    [Theory]
    [InlineData("this-is-a-long-string", 15, "this-is-a-long…")]
    [InlineData("short", 20, "short")]
    [InlineData("你好世界你好世界你好世界", 10, "你好世界…")]
    [InlineData("abc", 1, "a")]
    public void Ellipsis_counts_display_columns(string text, int width, string expected)
    {
        Assert.Equal(expected, ContainerText.Ellipsis(text, width));
    }

    [Theory]
    [InlineData("nginx", false, "nginx")]
    [InlineData("docker.io/library/nginx:1.27", false, "nginx:1.27")]
    [InlineData("docker.io/library/nginx:1.27", true, "docker.io/library/nginx:1.27")]
    [InlineData("nginx:1.27@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false, "nginx:1.27")]
    [InlineData("cccccccccccc", false, "cccccccccccc")]
    [InlineData("sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", false, "cccccccccccc")]
    public void Image_is_shown_as_docker_shows_it(string typed, bool noTrunc, string expected)
    {
        Assert.Equal(expected, ContainerText.Image(Record("/app", []) with { Image = typed }, noTrunc));
    }

    [Fact]
    public void Created_times_read_as_dockers()
    {
        var created = Now.AddSeconds(-125.7);

        Assert.Equal("2 minutes ago", ContainerText.RunningFor(created, Now));
        Assert.Equal("2026-12-03 11:57:54 +0000 UTC", ContainerText.CreatedAt(created));
    }

    [Fact]
    public void Labels_are_sorted_pairs()
    {
        Assert.Equal("a=1,b=2", ContainerText.Labels(new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" }));
    }

    internal static ContainerRecord Record(string path, string[] args) => new()
    {
        Id = new string('c', 64),
        Name = "web",
        Image = "web:1",
        ImageId = Digest.Parse("sha256:" + new string('c', 64)),
        ImageManifest = Digest.Parse("sha256:" + new string('d', 64)),
        Created = Now,
        Path = path,
        Args = args,
        Config = new ContainerConfig(),
        Hostname = "web",
        RuntimeName = "runc",
    };
}
