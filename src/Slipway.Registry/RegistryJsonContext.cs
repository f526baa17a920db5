using System.Text.Json;
using System.Text.Json.Serialization;

namespace Slipway.Registry;

/// <summary>Wire shapes of the distribution API; the JSON names stay here, in attributes.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(DockerConfigFile))]
[JsonSerializable(typeof(CredentialHelperOutput))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;

internal sealed class ErrorBody
{
    [JsonPropertyName("errors")]
    public List<ErrorEntry>? Errors { get; set; }
}

internal sealed class ErrorEntry
{
    [JsonPropertyName("code")]
    public string? Code { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("detail")]
    public JsonElement Detail { get; set; }
}

internal sealed class TokenResponse
{
    [JsonPropertyName("token")]
    public string? Token { get; set; }

    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("expires_in")]
    public int? ExpiresInSeconds { get; set; }

    [JsonPropertyName("issued_at")]
    public DateTimeOffset? IssuedAt { get; set; }

    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; set; }
}

internal sealed class DockerConfigFile
{
    [JsonPropertyName("auths")]
    public Dictionary<string, DockerAuthEntry>? Auths { get; set; }

    [JsonPropertyName("credsStore")]
    public string? CredentialStore { get; set; }

    [JsonPropertyName("credHelpers")]
    public Dictionary<string, string>? CredentialHelpers { get; set; }
}

internal sealed class DockerAuthEntry
{
    [JsonPropertyName("auth")]
    public string? Auth { get; set; }

    [JsonPropertyName("username")]
    public string? Username { get; set; }

    [JsonPropertyName("password")]
    public string? Password { get; set; }

    [JsonPropertyName("identitytoken")]
    public string? IdentityToken { get; set; }
}

internal sealed class CredentialHelperOutput
{
    [JsonPropertyName("ServerURL")]
    public string? ServerUrl { get; set; }

    [JsonPropertyName("Username")]
    public string? Username { get; set; }

    [JsonPropertyName("Secret")]
    public string? Secret { get; set; }
}
