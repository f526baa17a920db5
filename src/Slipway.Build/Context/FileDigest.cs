using System.Security.Cryptography;
using Slipway.Store.Layers;

namespace Slipway.Build.Context;

/// <summary>The sha256 of a file's bytes, read through a bare descriptor and a large per-thread buffer: a build
/// context is tens of thousands of small files, where FileStream's per-file fstat/fstatfs/flock and
/// <see cref="SHA256.HashData(Stream)"/>'s small reads cost more than the hashing.</summary>
internal static class FileDigest
{
    private const int BufferSize = 256 * 1024;

    [ThreadStatic]
    private static byte[]? t_buffer;

    public static byte[] Sha256(string path)
    {
        using var file = LayerNative.OpenReadNoFollow(path);
        var buffer = t_buffer ??= new byte[BufferSize];
        var n = RandomAccess.Read(file, buffer, 0);
        if (n < buffer.Length)
        {
            var more = n == 0 ? 0 : RandomAccess.Read(file, buffer.AsSpan(n), n);
            if (more == 0)
            {
                return SHA256.HashData(buffer.AsSpan(0, n)); // the whole file fit: one call
            }

            n += more;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long offset = n;
        while (n > 0)
        {
            hash.AppendData(buffer.AsSpan(0, n));
            n = RandomAccess.Read(file, buffer, offset);
            offset += n;
        }

        return hash.GetHashAndReset();
    }
}
