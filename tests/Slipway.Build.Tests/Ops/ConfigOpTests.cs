using Slipway.Build.Engine;
using Slipway.Oci;

namespace Slipway.Build.Tests.Ops;

/// <summary>What EXPOSE, STOPSIGNAL, VOLUME, CMD, HEALTHCHECK and FROM scratch put in the config, and the errors
/// BuildKit gives for them while it converts the instruction, at the instruction's line.</summary>
public sealed class ConfigOpTests
{
    private static Dictionary<string, string?> Args(params (string Name, string? Value)[] args) =>
        args.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal);

    private static async Task<string> ErrorAsync(string dockerfile, string step, IReadOnlyDictionary<string, string?>? args = null)
    {
        using var ops = new OpsFixture(dockerfile);
        var error = await Assert.ThrowsAsync<DockerfileException>(() => ops.ExecAsync(step, OpsFixture.State(args)));
        return error.Message;
    }

    [Fact]
    public async Task EXPOSE_splits_a_variable_into_words_and_drops_empty_ones()
    {
        // BuildKit's ProcessWords: "" and an unset variable make no word at all, so no error either.
        using var ops = new OpsFixture("FROM scratch\nEXPOSE $PORTS $NONE \"\" 127.0.0.1:8080:22\n");

        var state = await ops.ExecAsync("EXPOSE $PORTS $NONE \"\" 127.0.0.1:8080:22", OpsFixture.State(Args(("PORTS", "80 443/UDP"))));

        Assert.Equal(["22/tcp", "443/udp", "80/tcp"], state.Container.ExposedPorts);
        Assert.Equal("EXPOSE 80 443/UDP 127.0.0.1:8080:22", state.Config.History![^1].CreatedBy);
    }

    [Theory]
    [InlineData("EXPOSE abc", "invalid containerPort: abc")]
    [InlineData("EXPOSE 70000", "invalid containerPort: 70000")]
    [InlineData("EXPOSE 90-88", "invalid containerPort: 90-88")]
    [InlineData("EXPOSE 80/xyz", "invalid port: \"80/xyz\": invalid proto: xyz")]
    [InlineData("EXPOSE 1.2.3:80:80", "invalid IP address: 1.2.3")]
    public async Task A_bad_EXPOSE_fails_at_its_line_with_buildkits_message(string line, string message) =>
        Assert.Equal($"Dockerfile:2:1: {message}\n{line}\n^\n", await ErrorAsync($"FROM scratch\n{line}\n", line));

    [Fact]
    public async Task An_unknown_STOPSIGNAL_fails_and_a_known_one_is_kept_as_written()
    {
        Assert.Equal("Dockerfile:2:1: invalid signal: SIGFOO\nSTOPSIGNAL $SIG\n^\n",
            await ErrorAsync("FROM scratch\nSTOPSIGNAL $SIG\n", "STOPSIGNAL $SIG", Args(("SIG", "SIGFOO"))));
        using var ops = new OpsFixture("FROM scratch\nSTOPSIGNAL sigterm\n");
        Assert.Equal("sigterm", (await ops.ExecAsync("STOPSIGNAL sigterm", OpsFixture.State())).Container.StopSignal);
    }

    [Fact]
    public async Task A_VOLUME_that_expands_to_nothing_fails() =>
        Assert.Equal("Dockerfile:2:1: VOLUME specified can not be an empty string\nVOLUME /data $NONE\n^\n",
            await ErrorAsync("FROM scratch\nVOLUME /data $NONE\n", "VOLUME /data $NONE"));

    [Fact]
    public async Task HEALTHCHECK_retries_0_is_accepted_and_left_out_of_the_config_as_BuildKit_does()
    {
        using var ops = new OpsFixture("FROM scratch\nHEALTHCHECK --interval=5s --retries=0 CMD [\"/probe\"]\n");

        var state = await ops.ExecAsync("HEALTHCHECK --interval=5s --retries=0 CMD [\"/probe\"]", OpsFixture.State());

        Assert.Equal(["CMD", "/probe"], state.Container.Healthcheck!.Test);
        Assert.Null(state.Container.Healthcheck.Retries);
        Assert.DoesNotContain("Retries", System.Text.Encoding.UTF8.GetString(OciJson.Serialize(state.Config)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_JSON_array_followed_by_text_is_the_shell_form()
    {
        using var ops = new OpsFixture("FROM scratch\nCMD [\"a\"] x\n");

        var state = await ops.ExecAsync("CMD [\"a\"] x", OpsFixture.State());

        Assert.Equal(["/bin/sh", "-c", "[\"a\"] x"], state.Container.Cmd);
    }

    [Fact]
    public async Task FROM_scratch_has_BuildKits_empty_image_config()
    {
        using var ops = new OpsFixture("FROM scratch\n");

        var state = await ops.ExecAsync("FROM scratch", OpsFixture.State());

        Assert.Equal("/", state.Container.WorkingDir);
        Assert.Equal(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], state.Container.Env);
    }

    private sealed class Warnings : IBuildProgress
    {
        public List<string> Lines { get; } = [];

        public void OnEvent(Solver.SolveEvent solveEvent)
        {
        }

        public void OnOutput(StepVertex vertex, string line)
        {
        }

        public void OnWarning(string message) => Lines.Add(message);
    }

    private static Store.Images.StoredImage Image(string architecture) => new(
        new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute(new byte[] { 1 }), Size = 1 },
        new ImageManifest { SchemaVersion = 2, Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = Digest.Compute(new byte[] { 2 }), Size = 1 }, Layers = [] },
        new ImageConfig { Architecture = architecture, Os = "linux", RootFs = new RootFs { DiffIds = [] }, Config = new ContainerConfig() });

    [Fact]
    public async Task A_base_of_another_architecture_gives_buildkits_InvalidBaseImagePlatform_warning_each_build()
    {
        var warnings = new Warnings();
        using var ops = new OpsFixture("FROM alpine:3.20\n", images: (_, _) => Task.FromResult(Image("arm64")), progress: warnings);

        await ops.CacheMapAsync("FROM alpine:3.20", OpsFixture.State());

        Assert.Equal(["InvalidBaseImagePlatform: Base image alpine:3.20 was pulled with platform \"linux/arm64\", expected \"linux/amd64\" for current build (line 1)"],
            warnings.Lines);
        using var same = new OpsFixture("FROM alpine:3.20\n", images: (_, _) => Task.FromResult(Image("amd64")), progress: warnings);
        await same.CacheMapAsync("FROM alpine:3.20", OpsFixture.State());
        Assert.Single(warnings.Lines);
    }
}
