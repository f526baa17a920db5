namespace Slipway.Registry.Auth;

/// <summary>The token scopes a request needs, e.g. <c>repository:library/alpine:pull</c>. Attached to each request
/// by the client so the auth handler asks the realm for exactly what the operation needs.</summary>
internal static class RegistryScope
{
    public static readonly HttpRequestOptionsKey<IReadOnlyList<string>> Key = new("Slipway.Registry.Scopes");

    public static string Pull(string repository) => $"repository:{repository}:pull";

    public static string PullPush(string repository) => $"repository:{repository}:pull,push";

    /// <summary>A stable cache key for a set of scopes: order and duplicates do not matter.</summary>
    public static string CacheKey(IEnumerable<string> scopes) =>
        string.Join(' ', scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    public static IReadOnlyList<string> Of(HttpRequestMessage request) =>
        request.Options.TryGetValue(Key, out var scopes) ? scopes : [];

    public static void Set(HttpRequestMessage request, params IReadOnlyList<string> scopes) =>
        request.Options.Set(Key, scopes);
}
