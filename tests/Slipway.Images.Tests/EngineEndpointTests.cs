namespace Slipway.Images.Tests;

/// <summary><c>DOCKER_HOST</c>, else docker's socket, else podman's: and a socket that is not there is said before
/// any work, naming the path and <c>DOCKER_HOST</c>.</summary>
public sealed class EngineEndpointTests
{
    private static (EngineEndpoint? Endpoint, string? Error) Resolve(Dictionary<string, string> variables, params string[] present)
    {
        EngineEndpoint.TryResolve(variables.GetValueOrDefault, present.Contains, out var endpoint, out var error);
        return (endpoint, error);
    }

    [Fact]
    public void Without_DOCKER_HOST_dockers_socket_comes_first()
    {
        var (endpoint, _) = Resolve(new(), "/var/run/docker.sock", "/run/podman/podman.sock");
        Assert.Equal("unix:///var/run/docker.sock", endpoint!.Host);
        Assert.Equal("/var/run/docker.sock", endpoint.SocketPath);
    }

    [Fact]
    public void Without_dockers_socket_podmans_is_used_rootful_then_the_users()
    {
        Assert.Equal("/run/podman/podman.sock", Resolve(new(), "/run/podman/podman.sock").Endpoint!.SocketPath);
        Assert.Equal("/run/user/1000/podman/podman.sock",
            Resolve(new() { ["XDG_RUNTIME_DIR"] = "/run/user/1000" }, "/run/user/1000/podman/podman.sock").Endpoint!.SocketPath);
    }

    [Fact]
    public void No_socket_at_all_names_dockers_path_and_DOCKER_HOST()
    {
        var (endpoint, error) = Resolve(new());
        Assert.Null(endpoint);
        Assert.Equal("failed to connect to the docker API at unix:///var/run/docker.sock; check if the path is correct and if the daemon is "
            + "running: dial unix /var/run/docker.sock: connect: no such file or directory; set DOCKER_HOST to the engine's socket "
            + "(podman: unix:///run/podman/podman.sock)", error);
    }

    [Fact]
    public void DOCKER_HOST_wins_over_the_default_sockets()
    {
        var (endpoint, _) = Resolve(new() { ["DOCKER_HOST"] = "unix:///tmp/d.sock" }, "/tmp/d.sock", "/var/run/docker.sock");
        Assert.Equal("/tmp/d.sock", endpoint!.SocketPath);
    }

    [Fact]
    public void A_DOCKER_HOST_socket_that_is_not_there_is_an_error_naming_it()
    {
        var (_, error) = Resolve(new() { ["DOCKER_HOST"] = "unix:///tmp/none.sock" }, "/var/run/docker.sock");
        Assert.Equal("failed to connect to the docker API at unix:///tmp/none.sock; check if the path is correct and if the daemon is "
            + "running: dial unix /tmp/none.sock: connect: no such file or directory (DOCKER_HOST)", error);
    }

    [Fact]
    public void A_tcp_DOCKER_HOST_is_plain_http_to_that_host_and_port()
    {
        var (endpoint, _) = Resolve(new() { ["DOCKER_HOST"] = "tcp://127.0.0.1:2375" });
        Assert.Null(endpoint!.SocketPath);
        Assert.Equal(new Uri("http://127.0.0.1:2375/"), endpoint.BaseAddress);
    }

    [Theory]
    [InlineData("ssh://me@host", "DOCKER_HOST=ssh://me@host: only unix:///PATH and tcp://HOST:PORT engines are supported")]
    [InlineData("npipe:////./pipe/docker_engine", "DOCKER_HOST=npipe:////./pipe/docker_engine: only unix:///PATH and tcp://HOST:PORT engines are supported")]
    [InlineData("tcp://host", "DOCKER_HOST=tcp://host: only unix:///PATH and tcp://HOST:PORT engines are supported")]
    public void Other_engines_are_refused_saying_which_are_supported(string host, string message)
    {
        Assert.Equal(message, Resolve(new() { ["DOCKER_HOST"] = host }).Error);
    }

    [Fact]
    public void A_tcp_engine_with_TLS_is_refused()
    {
        var (_, error) = Resolve(new() { ["DOCKER_HOST"] = "tcp://h:2376", ["DOCKER_TLS_VERIFY"] = "1" });
        Assert.Equal("DOCKER_HOST=tcp://h:2376 with DOCKER_TLS_VERIFY: TLS to the engine is not supported; use its unix socket", error);
    }
}
