using System.Security.Cryptography;
using System.Text;
using Slipway.Oci;

namespace Slipway.Solver;

/// <summary>The cache-key recipe: the operation's digest, the cache keys of its inputs in order, and the digest of
/// the content it reads (files a COPY brings in), so that a change anywhere upstream changes the key.</summary>
public static class CacheKey
{
    /// <summary>Stands for an input that is keyed by the content read of it (<see cref="Vertex.KeyedByContent"/>).</summary>
    public static readonly Digest ByContent = Digest.Compute(Encoding.UTF8.GetBytes("slipway.input.bycontent.v1"));

    /// <summary>The key of <paramref name="vertex"/> from its inputs' keys and its content digest.</summary>
    public static Digest For(Vertex vertex, IReadOnlyList<Digest> inputKeys, Digest? content)
    {
        ArgumentNullException.ThrowIfNull(vertex);
        ArgumentNullException.ThrowIfNull(inputKeys);
        return Compute(vertex.OperationDigest, [.. inputKeys.Select((key, i) => vertex.KeyedByContent(i) ? ByContent : key)], content);
    }

    public static Digest Compute(Digest operation, IReadOnlyList<Digest> inputKeys, Digest? content)
    {
        ArgumentNullException.ThrowIfNull(inputKeys);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, "slipway.cachekey.v1");
        Append(hash, operation.Value);
        foreach (var key in inputKeys)
        {
            Append(hash, key.Value);
        }

        Append(hash, content?.Value ?? "-");
        return Digest.FromSha256Hash(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, string value)
    {
        // Length-prefixed, so that no two sequences of parts hash alike.
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
