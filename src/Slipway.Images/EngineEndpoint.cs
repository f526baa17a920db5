using System.Diagnostics.CodeAnalysis;

namespace Slipway.Images;

/// <summary>Where a docker engine's API listens, as <c>DOCKER_HOST</c> names it: a unix socket (docker's, or podman's,
/// which serves the same API) or plain TCP. <see cref="Host"/> is the <c>unix://</c> or <c>tcp://</c> form messages
/// show.</summary>
public sealed record EngineEndpoint
{
    /// <summary>Docker's own socket, used when <c>DOCKER_HOST</c> is not set.</summary>
    public const string DockerSocket = "/var/run/docker.sock";

    /// <summary>Rootful podman's socket (<c>podman.socket</c>), tried when docker's is not there.</summary>
    public const string PodmanSocket = "/run/podman/podman.sock";

    private EngineEndpoint(string host, string? socketPath, Uri baseAddress)
    {
        Host = host;
        SocketPath = socketPath;
        BaseAddress = baseAddress;
    }

    public string Host { get; }

    /// <summary>The socket's path for a <c>unix://</c> engine, else null.</summary>
    public string? SocketPath { get; }

    /// <summary>What requests are addressed to: <c>http://localhost/</c> over a socket, the host and port over TCP.</summary>
    public Uri BaseAddress { get; }

    public static EngineEndpoint Unix(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new EngineEndpoint("unix://" + path, path, new Uri("http://localhost/"));
    }

    /// <summary>The engine to load into: <c>DOCKER_HOST</c> when set, else docker's socket, else podman's (rootful, then
    /// the user's under <c>XDG_RUNTIME_DIR</c>). A socket that is not there is a mistake found now, before the build,
    /// worded as the docker client words it and saying how to name another.</summary>
    public static bool TryResolve(Func<string, string?> variables, Func<string, bool> exists,
        [NotNullWhen(true)] out EngineEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(exists);
        endpoint = null;
        if (variables("DOCKER_HOST") is { Length: > 0 } host)
        {
            if (!TryParse(host, out endpoint, out error))
            {
                return false;
            }

            if (endpoint.SocketPath is { } given && !exists(given))
            {
                error = Missing(endpoint) + " (DOCKER_HOST)";
                endpoint = null;
                return false;
            }

            if (endpoint.SocketPath is null && !string.IsNullOrEmpty(variables("DOCKER_TLS_VERIFY")))
            {
                error = $"DOCKER_HOST={host} with DOCKER_TLS_VERIFY: TLS to the engine is not supported; use its unix socket";
                endpoint = null;
                return false;
            }

            return true;
        }

        string?[] candidates = [DockerSocket, PodmanSocket,
            variables("XDG_RUNTIME_DIR") is { Length: > 0 } run ? Path.Join(run, "podman", "podman.sock") : null];
        if (candidates.FirstOrDefault(c => c is not null && exists(c)) is { } found)
        {
            endpoint = Unix(found);
            error = null;
            return true;
        }

        error = Missing(Unix(DockerSocket)) + $"; set DOCKER_HOST to the engine's socket (podman: unix://{PodmanSocket})";
        return false;
    }

    /// <summary>Parses a <c>DOCKER_HOST</c> value: <c>unix:///path</c> or <c>tcp://host:port</c>.</summary>
    public static bool TryParse(string host, [NotNullWhen(true)] out EngineEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(host);
        endpoint = null;
        error = null;
        if (host.StartsWith("unix://", StringComparison.Ordinal) && host.Length > "unix://".Length)
        {
            endpoint = Unix(host["unix://".Length..]);
            return true;
        }

        if (host.StartsWith("tcp://", StringComparison.Ordinal)
            && Uri.TryCreate("http://" + host["tcp://".Length..].TrimEnd('/') + "/", UriKind.Absolute, out var address)
            && address.AbsolutePath == "/" && !address.IsDefaultPort)
        {
            endpoint = new EngineEndpoint(host, null, address);
            return true;
        }

        error = $"DOCKER_HOST={host}: only unix:///PATH and tcp://HOST:PORT engines are supported";
        return false;
    }

    /// <summary>The docker client's words for a socket that is not there.</summary>
    internal static string Missing(EngineEndpoint endpoint) =>
        $"failed to connect to the docker API at {endpoint.Host}; check if the path is correct and if the daemon is running: "
        + $"dial unix {endpoint.SocketPath}: connect: no such file or directory";
}
