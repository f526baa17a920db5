using System.Text.Json;
using Slipway.Testing;

namespace Slipway.Integration.Tests.Build;

/// <summary>Issue acceptance: a built image pushed to a registry carries the config the Dockerfile says, as the
/// real consumer (skopeo) reads it — including the fields buildah drops in OCI format.</summary>
public sealed class PushedConfigTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-pushcfg-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public async Task A_pushed_build_shows_user_ports_healthcheck_entrypoint_cmd_shell_and_onbuild_to_skopeo()
    {
        Capability.RequireRoot();
        Capability.RequireTool("runc");
        Capability.RequireTool("docker-registry");
        var skopeo = Capability.RequireTool("skopeo");
        await using var registry = await RegistryFixture.StartAsync(RegistryAuthMode.Anonymous, cancellationToken: TestContext.Current.CancellationToken);
        using var runner = new SlipwayRunner();
        await runner.OkAsync("import", Rootfs.MakeBusybox(_dir.FullName), "cfg-base:1");
        var context = Directory.CreateDirectory(Path.Join(_dir.FullName, "ctx")).FullName;
        File.WriteAllText(Path.Join(context, "Dockerfile"), """
            FROM cfg-base:1
            SHELL ["/bin/sh", "-ec"]
            RUN echo built > /built
            USER nobody
            EXPOSE 8080 9000-9001/udp
            HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 CMD ["/bin/true"]
            ONBUILD RUN echo child
            ENTRYPOINT ["/bin/echo"]
            CMD ["hello"]
            LABEL org.opencontainers.image.title=cfg
            """);
        var name = $"{registry.Host}/test/cfg:1";
        await runner.OkAsync("build", "--progress", "plain", "-t", name, "--push", context);

        var raw = ImageLifecycleTests.Run(skopeo, ["inspect", "--tls-verify=false", "--config", "--raw", $"docker://{name}"]);
        using var doc = JsonDocument.Parse(raw);
        var config = doc.RootElement.GetProperty("config");
        Assert.Equal("nobody", config.GetProperty("User").GetString());
        Assert.Equal(["8080/tcp", "9000/udp", "9001/udp"], config.GetProperty("ExposedPorts").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var health = config.GetProperty("Healthcheck");
        Assert.Equal(["CMD", "/bin/true"], health.GetProperty("Test").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(30_000_000_000, health.GetProperty("Interval").GetInt64());
        Assert.Equal(3_000_000_000, health.GetProperty("Timeout").GetInt64());
        Assert.Equal(5_000_000_000, health.GetProperty("StartPeriod").GetInt64());
        Assert.Equal(3, health.GetProperty("Retries").GetInt32());
        Assert.Equal(["/bin/echo"], config.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["hello"], config.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["/bin/sh", "-ec"], config.GetProperty("Shell").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["RUN echo child"], config.GetProperty("OnBuild").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("cfg", config.GetProperty("Labels").GetProperty("org.opencontainers.image.title").GetString());

        var history = doc.RootElement.GetProperty("history").EnumerateArray().ToList();
        Assert.Contains(history, h => h.GetProperty("created_by").GetString() == "RUN /bin/sh -ec echo built > /built # buildkit");
        Assert.Contains(history, h => h.TryGetProperty("empty_layer", out var e) && e.GetBoolean() && h.GetProperty("created_by").GetString() == "USER nobody");

        var run = await runner.OkAsync("run", "--rm", name);
        Assert.Equal("hello", run.Output.Trim());
    }
}
