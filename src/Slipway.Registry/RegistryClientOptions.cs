using Slipway.Registry.Auth;

namespace Slipway.Registry;

public sealed class RegistryClientOptions
{
    public ICredentialSource Credentials { get; init; } = AnonymousCredentials.Instance;

    /// <summary>Shared by clients on purpose, or one per client when null.</summary>
    public TokenCache? TokenCache { get; init; }

    /// <summary>Hosts or CIDR ranges reachable over plain HTTP besides loopback (Docker's insecure-registries).</summary>
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];

    /// <summary>Attempts per request on dropped connections, 5xx and 429, including the first.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The first retry waits this long; each next one twice as long.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a registry may send nothing (no answer to a request, no byte of a body) before the request
    /// counts as dropped and is retried; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock of retries, idle timeouts and token expiry; the CLI passes <c>TimeProvider.System</c>.</summary>
    public required TimeProvider TimeProvider { get; init; }

    /// <summary>Blobs up to this size are uploaded in one PUT; larger ones in chunks.</summary>
    public long MonolithicUploadLimit { get; init; } = 32L << 20;

    public int ChunkSize { get; init; } = 16 << 20;

    /// <summary>Manifests larger than this are refused (containerd's limit).</summary>
    public int MaxManifestBytes { get; init; } = 4 << 20;

    public string UserAgent { get; init; } = "slipway";
}
