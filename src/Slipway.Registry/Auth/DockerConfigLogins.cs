using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Slipway.Registry.Auth;

/// <summary>Where <c>login</c> keeps credentials and <c>logout</c> removes them, as the docker CLI does: in the
/// credential helper config.json names for the server (<c>credHelpers</c>, else <c>credsStore</c>; an empty
/// <c>auths</c> entry marks the login), or else inline in config.json as base64 <c>user:password</c> under
/// <c>auths</c>. Every other field of the file is kept as it was; the file is replaced atomically, mode 0600.
/// <see cref="DockerConfigCredentials"/> reads what this writes.</summary>
public sealed class DockerConfigLogins(string configPath, IReadOnlyList<string> helperDirectories)
{
    public string ConfigPath => configPath;

    /// <summary>The registry host a server names (<c>https://host:5000/v2/</c> → <c>host:5000</c>).</summary>
    public static string HostOf(string server) => DockerConfigCredentials.KeyHost(server);

    /// <summary>The key a server is kept under: docker's for Docker Hub, else host[:port] (scheme and path dropped).</summary>
    public static string KeyOf(string server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var host = DockerConfigCredentials.KeyHost(server);
        return host.Length == 0 || DockerConfigCredentials.IsDockerHub(host) ? DockerConfigCredentials.DockerHubKey : host;
    }

    /// <summary>Stores <paramref name="credential"/> for <paramref name="server"/>; returns the credential helper's
    /// name when one took it, null when it went into config.json itself (unencrypted, which docker warns about).</summary>
    public async Task<string?> StoreAsync(string server, RegistryCredential credential, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var key = KeyOf(server);
        var config = Load();
        var auths = Auths(config);
        if (HelperFor(config, key) is { } helper)
        {
            var request = JsonSerializer.Serialize(new CredentialHelperOutput { ServerUrl = key, Username = credential.Username, Secret = credential.Password },
                RegistryJsonContext.Default.CredentialHelperOutput);
            var (exit, output, error) = await helper.RunAsync("store", request, cancellationToken).ConfigureAwait(false);
            if (exit != 0)
            {
                throw new RegistryException($"error storing credentials - err: exit status {exit}, out: `{(output + error).Trim()}`");
            }

            auths[key] = new JsonObject();
            Save(config);
            return helper.Name;
        }

        auths[key] = new JsonObject
        {
            ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")),
        };
        Save(config);
        return null;
    }

    /// <summary>Removes what is kept for <paramref name="server"/>; false when nothing was.</summary>
    public async Task<bool> EraseAsync(string server, CancellationToken cancellationToken)
    {
        var key = KeyOf(server);
        var config = Load();
        var auths = Auths(config);
        var entry = auths.Select(p => p.Key).FirstOrDefault(k => KeyOf(k) == key);
        var found = entry is not null;
        if (HelperFor(config, key) is { } helper)
        {
            var (exit, output, error) = await helper.RunAsync("erase", key, cancellationToken).ConfigureAwait(false);
            if (exit == 0)
            {
                found = true;
            }
            else if (!CredentialHelper.IsNotFound(output, error))
            {
                throw new RegistryException($"error erasing credentials - err: exit status {exit}, out: `{(output + error).Trim()}`");
            }
        }

        if (entry is not null)
        {
            auths.Remove(entry);
            Save(config);
        }

        return found;
    }

    private CredentialHelper? HelperFor(JsonObject config, string key)
    {
        var name = (config["credHelpers"] as JsonObject)?.FirstOrDefault(p => KeyOf(p.Key) == key).Value?.GetValue<string>()
            ?? (config["credsStore"] as JsonValue)?.GetValue<string>();
        return string.IsNullOrEmpty(name) ? null : CredentialHelper.Find(name, helperDirectories);
    }

    private static JsonObject Auths(JsonObject config)
    {
        if (config["auths"] is JsonObject auths)
        {
            return auths;
        }

        var created = new JsonObject();
        config["auths"] = created;
        return created;
    }

    private JsonObject Load()
    {
        if (!File.Exists(configPath))
        {
            return new JsonObject();
        }

        try
        {
            return JsonNode.Parse(File.ReadAllBytes(configPath)) as JsonObject
                ?? throw new RegistryException($"{configPath}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new RegistryException($"{configPath}: not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Written beside the file and renamed over it, so a reader never sees half a file; 0600 since it
    /// may hold passwords (docker's mode).</summary>
    private void Save(JsonObject config)
    {
        var directory = Path.GetDirectoryName(configPath) is { Length: > 0 } parent ? parent : ".";
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var temp = Path.Join(directory, $".{Path.GetFileName(configPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            using (var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true, IndentCharacter = '\t', IndentSize = 1 }))
            {
                config.WriteTo(writer);
                writer.Flush();
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, configPath, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
