using System.Collections.Concurrent;

namespace Slipway.Registry.Auth;

/// <summary>Bearer tokens by (registry host, scope set), until shortly before they expire. One instance per client
/// (or shared by clients on purpose), never process-wide, so two builds in one process do not see each other's
/// tokens.</summary>
public sealed class TokenCache
{
    // Refresh a little early so a token does not expire between the check and the registry reading it.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<(string Host, string Scopes), Entry> _entries = new();
    private readonly TimeProvider _time;

    public TokenCache(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
    }

    public int Count => _entries.Count;

    internal string? Get(string host, string scopeKey)
    {
        if (_entries.TryGetValue((host, scopeKey), out var entry))
        {
            if (_time.GetUtcNow() < entry.ExpiresAt - Margin)
            {
                return entry.Token;
            }

            _entries.TryRemove((host, scopeKey), out _);
        }

        return null;
    }

    internal void Set(string host, string scopeKey, string token, TimeSpan lifetime) =>
        _entries[(host, scopeKey)] = new Entry(token, _time.GetUtcNow() + lifetime);

    internal void Remove(string host, string scopeKey) => _entries.TryRemove((host, scopeKey), out _);

    private sealed record Entry(string Token, DateTimeOffset ExpiresAt);
}
