using System.Text.Json;

namespace Slipway.Registry;

public sealed partial class RegistryClient
{
    /// <summary>Turns an error answer into a <see cref="RegistryException"/> carrying the registry's error codes.</summary>
    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var errors = new List<RegistryError>();
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (text.Length > 0 && text.Length < 64 * 1024)
            {
                var body = JsonSerializer.Deserialize(text, RegistryJsonContext.Default.ErrorBody);
                errors.AddRange(body?.Errors?.Select(e => new RegistryError(e.Code ?? "", e.Message)) ?? []);
            }
        }
        catch (JsonException)
        {
            // Not a distribution error body (a proxy's HTML page); the status says enough.
        }

        var detail = errors.Count > 0 ? ": " + string.Join("; ", errors.Select(e => e.Message ?? e.Code)) : "";
        throw new RegistryException(
            $"{Endpoint.Host}: {what}: {(int)response.StatusCode} {response.ReasonPhrase}{detail}",
            response.StatusCode, errors);
    }
}
