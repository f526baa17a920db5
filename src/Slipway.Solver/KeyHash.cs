using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Slipway.Oci;

namespace Slipway.Solver;

/// <summary>The hash behind cache keys and step content digests: SHA-256 over parts, each written as its UTF-8 length
/// (4 bytes, big-endian) then its bytes, so that no two sequences of parts hash alike. The first part names the recipe
/// and its version: a recipe's bytes never change without a new version, or every store's cache would miss.</summary>
public sealed class KeyHash : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public KeyHash(string recipe) => Append(recipe);

    public void Append(string part)
    {
        ArgumentNullException.ThrowIfNull(part);
        var bytes = Encoding.UTF8.GetBytes(part);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        _hash.AppendData(length);
        _hash.AppendData(bytes);
    }

    public Digest Digest() => Oci.Digest.FromSha256Hash(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();
}
