using System.Text;
using System.Text.Json;

namespace Slipway.Registry.Auth;

/// <summary>Credentials the way the docker CLI keeps them in <c>config.json</c>: per-host <c>credHelpers</c>, then the
/// <c>credsStore</c>, then inline <c>auths</c> (base64 <c>auth</c>, or <c>username</c>/<c>password</c>, or
/// <c>identitytoken</c>). An entry is used only for the host its key names; keys may carry a scheme and path
/// (<c>https://index.docker.io/v1/</c>) and are compared by host[:port] alone.</summary>
public sealed class DockerConfigCredentials : ICredentialSource
{
    internal const string DockerHubKey = "https://index.docker.io/v1/";
    private readonly string _configPath;
    private readonly IReadOnlyList<string> _helperDirectories;
    private DockerConfigFile? _config;

    /// <param name="configPath">The config file (the CLI resolves <c>$DOCKER_CONFIG</c> or <c>~/.docker</c>); a
    /// missing file means no credentials.</param>
    /// <param name="helperDirectories">Where to look for <c>docker-credential-NAME</c> (the CLI passes PATH).</param>
    public DockerConfigCredentials(string configPath, IReadOnlyList<string> helperDirectories)
    {
        _configPath = configPath;
        _helperDirectories = helperDirectories;
    }

    public async ValueTask<RegistryCredential?> GetAsync(string registryHost, CancellationToken cancellationToken)
    {
        var config = await LoadAsync(cancellationToken).ConfigureAwait(false);
        var host = KeyHost(registryHost);
        var serverUrl = IsDockerHub(host) ? DockerHubKey : host;

        var helper = config.CredentialHelpers?.FirstOrDefault(p => KeyHost(p.Key) == host).Value
            ?? config.CredentialStore;
        if (!string.IsNullOrEmpty(helper))
        {
            var fromHelper = await RunHelperAsync(helper, serverUrl, cancellationToken).ConfigureAwait(false);
            if (fromHelper is not null)
            {
                return fromHelper;
            }
        }

        foreach (var (key, entry) in config.Auths ?? [])
        {
            if (KeyHost(key) == host || (IsDockerHub(host) && IsDockerHub(KeyHost(key))))
            {
                return FromEntry(key, entry);
            }
        }

        return null;
    }

    /// <summary>host[:port] of a config key or registry name, lower-case: scheme and path dropped.</summary>
    internal static string KeyHost(string key)
    {
        var s = key.Trim();
        var scheme = s.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            s = s[(scheme + 3)..];
        }

        var slash = s.IndexOf('/', StringComparison.Ordinal);
        return (slash >= 0 ? s[..slash] : s).ToLowerInvariant();
    }

    internal static bool IsDockerHub(string host) =>
        host is "docker.io" or "index.docker.io" or "registry-1.docker.io";

    private static RegistryCredential? FromEntry(string key, DockerAuthEntry entry)
    {
        string? username = entry.Username, password = entry.Password;
        if (!string.IsNullOrEmpty(entry.Auth))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(entry.Auth));
            }
            catch (FormatException e)
            {
                throw new RegistryException($"docker config: the \"auth\" of \"{key}\" is not base64", e);
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw new RegistryException($"docker config: the \"auth\" of \"{key}\" is not user:password");
            }

            (username, password) = (decoded[..colon], decoded[(colon + 1)..]);
        }

        if (!string.IsNullOrEmpty(entry.IdentityToken))
        {
            return new RegistryCredential(username ?? "", password ?? "", entry.IdentityToken);
        }

        return string.IsNullOrEmpty(username) && string.IsNullOrEmpty(password)
            ? null
            : new RegistryCredential(username ?? "", password ?? "");
    }

    private async Task<DockerConfigFile> LoadAsync(CancellationToken cancellationToken)
    {
        if (_config is not null)
        {
            return _config;
        }

        if (!File.Exists(_configPath))
        {
            return _config = new DockerConfigFile();
        }

        var stream = File.OpenRead(_configPath);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                return _config = await JsonSerializer.DeserializeAsync(stream,
                    RegistryJsonContext.Default.DockerConfigFile, cancellationToken).ConfigureAwait(false)
                    ?? new DockerConfigFile();
            }
            catch (JsonException e)
            {
                throw new RegistryException($"{_configPath}: not valid JSON: {e.Message}", e);
            }
        }
    }

    private async Task<RegistryCredential?> RunHelperAsync(string helper, string serverUrl,
        CancellationToken cancellationToken)
    {
        var (exit, stdout, stderr) = await CredentialHelper.Find(helper, _helperDirectories)
            .RunAsync("get", serverUrl, cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            // Helpers say "credentials not found in native keychain" on stdout for an unknown server.
            if (CredentialHelper.IsNotFound(stdout, stderr))
            {
                return null;
            }

            throw new RegistryException(
                $"docker-credential-{helper} get failed ({exit}): {(stderr + stdout).Trim()}");
        }

        CredentialHelperOutput? result;
        try
        {
            result = JsonSerializer.Deserialize(stdout, RegistryJsonContext.Default.CredentialHelperOutput);
        }
        catch (JsonException e)
        {
            throw new RegistryException($"docker-credential-{helper} get: output is not JSON", e);
        }

        if (result is null || string.IsNullOrEmpty(result.Secret))
        {
            return null;
        }

        // "<token>" as the user name marks an identity token, the docker CLI's convention.
        return result.Username == "<token>"
            ? new RegistryCredential("", "", result.Secret)
            : new RegistryCredential(result.Username ?? "", result.Secret);
    }
}
