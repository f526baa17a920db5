using System.Text;
using Slipway.Oci;

namespace Slipway.Solver;

/// <summary>The key a result is cached under: the operation's digest, the cache keys of its inputs in order (an
/// input keyed by content stands as <see cref="ByContent"/>), and the digest of the content it reads, so that a
/// change anywhere upstream changes the key (docs/decisions/0003).</summary>
public readonly record struct CacheKey(Digest Digest)
{
    /// <summary>Stands for an input that is keyed by the content read of it (<see cref="InputKeying.ByContent"/>).</summary>
    public static readonly Digest ByContent = Digest.Compute(Encoding.UTF8.GetBytes("slipway.input.bycontent.v1"));

    /// <summary><c>sha256:…</c>, as records and progress name the key.</summary>
    public string Value => Digest.Value;

    /// <summary>The key of an op from its cache map and its inputs' keys.</summary>
    public static CacheKey For(CacheMap map, IReadOnlyList<CacheKey> inputKeys)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(inputKeys);
        return Compute(map.Digest, [.. inputKeys.Select((key, i) => map.Keying(i) == InputKeying.ByContent ? ByContent : key.Digest)], map.Content);
    }

    /// <summary>The recipe itself, version <c>slipway.cachekey.v1</c>: its bytes never change without a new version,
    /// or every store's cache would miss.</summary>
    public static CacheKey Compute(Digest operation, IReadOnlyList<Digest> inputKeys, Digest? content)
    {
        ArgumentNullException.ThrowIfNull(inputKeys);
        using var hash = new KeyHash("slipway.cachekey.v1");
        hash.Append(operation.Value);
        foreach (var key in inputKeys)
        {
            hash.Append(key.Value);
        }

        hash.Append(content?.Value ?? "-");
        return new CacheKey(hash.Digest());
    }

    public override string ToString() => Digest.Value;
}
