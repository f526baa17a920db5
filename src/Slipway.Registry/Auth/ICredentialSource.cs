namespace Slipway.Registry.Auth;

/// <summary>Where credentials for a registry come from (Docker's config.json, a command-line flag, nothing).
/// Asked with the registry host exactly as the endpoint names it; what it returns is sent to that host (and to
/// the token realm that host names) and nowhere else.</summary>
public interface ICredentialSource
{
    ValueTask<RegistryCredential?> GetAsync(string registryHost, CancellationToken cancellationToken);
}

/// <summary>A username and password, or an identity (refresh) token for the OAuth2 token flow.</summary>
public sealed record RegistryCredential(string Username, string Password, string? IdentityToken = null)
{
    /// <summary>Keeps the secret out of logs and exception messages.</summary>
    public override string ToString() => $"RegistryCredential {{ Username = {Username} }}";
}

/// <summary>No credentials anywhere: every request is anonymous.</summary>
public sealed class AnonymousCredentials : ICredentialSource
{
    public static AnonymousCredentials Instance { get; } = new();

    public ValueTask<RegistryCredential?> GetAsync(string registryHost, CancellationToken cancellationToken) =>
        ValueTask.FromResult<RegistryCredential?>(null);
}

/// <summary>Fixed credentials for named hosts (from <c>--username/--password</c>, or tests).</summary>
public sealed class StaticCredentials : ICredentialSource
{
    private readonly Dictionary<string, RegistryCredential> _byHost;

    public StaticCredentials(IReadOnlyDictionary<string, RegistryCredential> byHost)
    {
        ArgumentNullException.ThrowIfNull(byHost);
        _byHost = byHost.ToDictionary(p => p.Key.ToLowerInvariant(), p => p.Value, StringComparer.Ordinal);
    }

    public StaticCredentials(string registryHost, RegistryCredential credential)
        : this(new Dictionary<string, RegistryCredential> { [registryHost] = credential })
    {
    }

    public ValueTask<RegistryCredential?> GetAsync(string registryHost, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_byHost.GetValueOrDefault(registryHost.ToLowerInvariant()));
}
