namespace Slipway.Cli.Tests;

public sealed class BuildCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("slipway-build-").FullName;

    public BuildCommandTests() => File.WriteAllText(Path.Join(_dir, "Dockerfile"), """
        # VERSION the release to package
        ARG VERSION=1.0
        # build compiles it
        FROM alpine:${VERSION} AS build
        RUN --mount=type=secret,id=token true
        FROM scratch AS final
        COPY --from=build /a /a
        """);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Call_outline_prints_args_and_secrets_of_the_target()
    {
        var env = new FakeEnvironment();
        Assert.Equal(0, await SlipwayApp.RunAsync(["build", "--call", "outline", "--build-arg", "VERSION=2.0", _dir], env));
        Assert.Equal("""
            TARGET:      final

            STAGE   BASE
            build   alpine:2.0
            final   scratch

            BUILD ARG   VALUE   DESCRIPTION
            VERSION     2.0     the release to package

            SECRET   REQUIRED
            token

            """.Replace("\r", "", StringComparison.Ordinal), env.Out.ToString());
    }

    [Fact]
    public async Task Call_targets_as_json_names_the_default()
    {
        var env = new FakeEnvironment();
        Assert.Equal(0, await SlipwayApp.RunAsync(["build", "--call", "targets", "--format", "json", _dir], env));
        Assert.Contains("\"name\": \"build\"", env.Out.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"isDefault\": true", env.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_target_is_a_located_error()
    {
        var env = new FakeEnvironment();
        Assert.Equal(1, await SlipwayApp.RunAsync(["build", "--call", "outline", "--target", "nope", "-f", Path.Join(_dir, "Dockerfile"), _dir], env));
        Assert.StartsWith("Dockerfile:6:1: target stage \"nope\" could not be found\n", env.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_security_insecure_without_allow_fails_before_anything_runs_pointing_at_the_instruction()
    {
        var context = Directory.CreateDirectory(Path.Join(_dir, "insecure")).FullName;
        File.WriteAllText(Path.Join(context, "Dockerfile"), "FROM scratch\nRUN --security=insecure true\n");
        var env = new FakeEnvironment { IsRoot = true };
        env.Variables["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";

        var exit = await SlipwayApp.RunAsync(["--root", Path.Join(_dir, "root"), "build", "--progress", "plain", context], env);

        Assert.Equal(1, exit);
        Assert.Contains("ERROR: Dockerfile:2:1: security.insecure is not allowed", env.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--allow security.insecure", env.Error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("#1", env.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_allow_value_is_refused()
    {
        var env = new FakeEnvironment { IsRoot = true };
        env.Variables["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";

        var exit = await SlipwayApp.RunAsync(["--root", Path.Join(_dir, "root"), "build", "--allow", "network.host,device", _dir], env);

        Assert.Equal(1, exit);
        Assert.Contains("ERROR: invalid entitlement: device", env.Error.ToString(), StringComparison.Ordinal);
    }
}
