namespace Slipway.Cli.Tests;

public sealed class CheckCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("slipway-check-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Write(string name, string text) => File.WriteAllText(Path.Join(_dir, name), text);

    [Fact]
    public async Task A_clean_file_passes_with_buildxs_closing_line()
    {
        Write("Dockerfile", "FROM alpine:3.20\nUSER nobody\n");
        var env = new FakeEnvironment();
        Assert.Equal(0, await SlipwayApp.RunAsync(["check", _dir], env));
        Assert.Equal("Check complete, no warnings found.\n", env.Out.ToString());
    }

    [Theory]
    [InlineData("a/b:1")]
    [InlineData("joe/web:1")]
    public async Task A_short_docker_hub_base_name_is_checked_like_any_other(string image)
    {
        Write("Dockerfile", $"FROM {image}\nUSER nobody\n");
        var env = new FakeEnvironment();
        Assert.Equal(0, await SlipwayApp.RunAsync(["check", _dir], env));
        Assert.Equal("Check complete, no warnings found.\n", env.Out.ToString());
    }

    [Fact]
    public async Task A_syntax_directive_for_another_frontend_is_named_once_on_stderr()
    {
        Write("Dockerfile", "# syntax=example.com/frontends/custom:1\nFROM alpine:3.20\nUSER nobody\n");
        var env = new FakeEnvironment();
        Assert.Equal(0, await SlipwayApp.RunAsync(["check", _dir], env));
        Assert.Equal("WARNING: Dockerfile:1: # syntax=example.com/frontends/custom:1 names the frontend \"example.com/frontends/custom:1\"; it is not fetched: the built-in Dockerfile frontend is used\n",
            env.Error.ToString());
        Assert.Equal("Check complete, no warnings found.\n", env.Out.ToString());
    }

    [Fact]
    public async Task A_finding_prints_rule_url_message_line_and_caret_and_exits_1()
    {
        Write("Dockerfile", "FROM alpine:3.20 as base\nUSER nobody\n");
        var env = new FakeEnvironment();
        Assert.Equal(1, await SlipwayApp.RunAsync(["check", _dir], env));
        Assert.Equal("""
            WARNING: FromAsCasing - https://docs.docker.com/go/dockerfile/rule/from-as-casing/
            The 'as' keyword should match the case of the 'from' keyword
            Dockerfile:1:1: warning: 'as' and 'FROM' keywords' casing do not match
            FROM alpine:3.20 as base
            ^

            Check complete, 1 warning has been found!

            """.Replace("\r", "", StringComparison.Ordinal), env.Out.ToString());
    }

    [Theory]
    [InlineData("--check")]
    [InlineData("--call=check")]
    public async Task Build_check_runs_the_checks_and_builds_nothing(string flag)
    {
        Write("Dockerfile", "FROM alpine:3.20 as base\nUSER nobody\n");
        var env = new FakeEnvironment();
        Assert.Equal(1, await SlipwayApp.RunAsync(["build", flag, "--format", "json", _dir], env));
        var json = env.Out.ToString();
        Assert.Contains("\"ruleName\": \"FromAsCasing\"", json, StringComparison.Ordinal);
        Assert.Contains("\"detail\": \"'as' and 'FROM' keywords' casing do not match\"", json, StringComparison.Ordinal);
        Assert.Contains("\"line\": 1", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_build_under_check_error_true_stops_before_building()
    {
        Write("Dockerfile", "# check=error=true\nFROM alpine:3.20 as base\nUSER nobody\n");
        var env = new FakeEnvironment();
        Assert.Equal(1, await SlipwayApp.RunAsync(["build", _dir], env));
        var error = env.Error.ToString();
        Assert.Contains("1 warning found", error, StringComparison.Ordinal);
        Assert.Contains("ERROR: lint violation found for rules: FromAsCasing", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_context_is_read_for_dockerignore_facts()
    {
        Directory.CreateDirectory(Path.Join(_dir, ".git"));
        Write("Dockerfile", "FROM alpine:3.20\nCOPY notes.md /notes.md\nUSER nobody\n");
        var env = new FakeEnvironment();
        Assert.Equal(1, await SlipwayApp.RunAsync(["check", _dir], env));
        Assert.Contains("WARNING: MissingDockerignore", env.Out.ToString(), StringComparison.Ordinal);

        Write(".dockerignore", ".git\nnotes.md\n");
        env = new FakeEnvironment();
        Assert.Equal(1, await SlipwayApp.RunAsync(["check", _dir], env));
        Assert.DoesNotContain("MissingDockerignore", env.Out.ToString(), StringComparison.Ordinal);
        Assert.Contains("Attempting to Copy file \"notes.md\" that is excluded by .dockerignore", env.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_build_arg_is_named_but_its_value_is_not_printed()
    {
        Write("Dockerfile", "FROM alpine:3.20\nARG GITHUB_PAT\nUSER nobody\n");
        var env = new FakeEnvironment();
        Assert.Equal(1, await SlipwayApp.RunAsync(["check", "--build-arg", "GITHUB_PAT=ghp_0123456789abcdefghijABCDEFGHIJ0123", _dir], env));
        Assert.Contains("SecretInBuildArg", env.Out.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("ghp_0123", env.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_does_not_parse_is_a_located_error()
    {
        Write("Dockerfile", "FROM alpine:3.20\nFROBNICATE now\n");
        var env = new FakeEnvironment();
        Assert.Equal(1, await SlipwayApp.RunAsync(["check", _dir], env));
        Assert.StartsWith("Dockerfile:2:1: unknown instruction: FROBNICATE", env.Error.ToString(), StringComparison.Ordinal);
    }
}
