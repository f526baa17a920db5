using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Slipway.Store.Layers;

namespace Slipway.Build.Context;

/// <summary>The stat fields that must all be unchanged for an indexed digest to be reused.</summary>
internal readonly record struct StatKey(
    long Size, long MTimeNanoseconds, long CTimeNanoseconds, ulong Inode, ulong Device, uint Mode, uint Uid, uint Gid);

/// <summary>One indexed file: its stat when it was hashed and the SHA-256 of its bytes.</summary>
internal sealed class IndexEntry(StatKey stat, byte[] digest)
{
    public StatKey Stat { get; } = stat;

    public byte[] Digest { get; } = digest;

    /// <summary>Looked up or hashed by this build, so kept on save without another stat.</summary>
    public bool Seen { get; set; }

    /// <summary>Hashed by this process after its stat was taken, so not subject to the racy check.</summary>
    public bool Fresh { get; init; }

    public static StatKey Key(in FileStat s) => new(
        s.Size,
        (s.MTimeSeconds * 1_000_000_000L) + s.MTimeNanoseconds,
        (s.CTimeSeconds * 1_000_000_000L) + s.CTimeNanoseconds,
        s.Inode,
        ((ulong)s.DevMajor << 32) | s.DevMinor,
        s.Mode,
        s.Uid,
        s.Gid);
}

/// <summary>The index file: a magic and a count, then per entry a UTF-8 path (u16 length) and fixed-width stat
/// fields and digest (little-endian), then the SHA-256 of everything before it, so a torn or foreign file is
/// recognised and ignored rather than trusted.</summary>
internal static class IndexFormat
{
    private const int DigestLength = 32;
    private const int FixedLength = (8 * 5) + (4 * 3) + DigestLength;
    private static readonly byte[] Magic = "SLWCTX01"u8.ToArray();

    /// <summary>The entries of an index file, or null when it is not a whole, valid one.</summary>
    public static Dictionary<string, IndexEntry>? Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Magic.Length + 4 + DigestLength || !bytes.StartsWith(Magic))
        {
            return null;
        }

        var body = bytes[..^DigestLength];
        Span<byte> sum = stackalloc byte[DigestLength];
        SHA256.HashData(body, sum);
        if (!sum.SequenceEqual(bytes[^DigestLength..]))
        {
            return null;
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(body[Magic.Length..]);
        if (count < 0 || count > body.Length / (FixedLength + 2))
        {
            return null;
        }

        var entries = new Dictionary<string, IndexEntry>(count, StringComparer.Ordinal);
        var rest = body[(Magic.Length + 4)..];
        for (var i = 0; i < count; i++)
        {
            if (rest.Length < 2)
            {
                return null;
            }

            int pathLength = BinaryPrimitives.ReadUInt16LittleEndian(rest);
            if (rest.Length < 2 + pathLength + FixedLength)
            {
                return null;
            }

            var path = Encoding.UTF8.GetString(rest.Slice(2, pathLength));
            var f = rest.Slice(2 + pathLength, FixedLength);
            var key = new StatKey(
                Size: BinaryPrimitives.ReadInt64LittleEndian(f),
                MTimeNanoseconds: BinaryPrimitives.ReadInt64LittleEndian(f[8..]),
                CTimeNanoseconds: BinaryPrimitives.ReadInt64LittleEndian(f[16..]),
                Inode: BinaryPrimitives.ReadUInt64LittleEndian(f[24..]),
                Device: BinaryPrimitives.ReadUInt64LittleEndian(f[32..]),
                Mode: BinaryPrimitives.ReadUInt32LittleEndian(f[40..]),
                Uid: BinaryPrimitives.ReadUInt32LittleEndian(f[44..]),
                Gid: BinaryPrimitives.ReadUInt32LittleEndian(f[48..]));
            entries[path] = new IndexEntry(key, f[52..].ToArray());
            rest = rest[(2 + pathLength + FixedLength)..];
        }

        return rest.IsEmpty ? entries : null;
    }

    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, IndexEntry>> entries)
    {
        var list = entries.Where(e => Encoding.UTF8.GetByteCount(e.Key) <= ushort.MaxValue).ToList();
        using var sum = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 17];
        var used = 0;

        void Flush()
        {
            sum.AppendData(buffer, 0, used);
            stream.Write(buffer, 0, used);
            used = 0;
        }

        Magic.CopyTo(buffer, 0);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(Magic.Length), list.Count);
        used = Magic.Length + 4;
        foreach (var (path, entry) in list)
        {
            var pathLength = Encoding.UTF8.GetByteCount(path);
            if (buffer.Length - used < 2 + pathLength + FixedLength)
            {
                Flush();
            }

            var span = buffer.AsSpan(used);
            BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)pathLength);
            Encoding.UTF8.GetBytes(path, span[2..]);
            var f = span.Slice(2 + pathLength, FixedLength);
            var k = entry.Stat;
            BinaryPrimitives.WriteInt64LittleEndian(f, k.Size);
            BinaryPrimitives.WriteInt64LittleEndian(f[8..], k.MTimeNanoseconds);
            BinaryPrimitives.WriteInt64LittleEndian(f[16..], k.CTimeNanoseconds);
            BinaryPrimitives.WriteUInt64LittleEndian(f[24..], k.Inode);
            BinaryPrimitives.WriteUInt64LittleEndian(f[32..], k.Device);
            BinaryPrimitives.WriteUInt32LittleEndian(f[40..], k.Mode);
            BinaryPrimitives.WriteUInt32LittleEndian(f[44..], k.Uid);
            BinaryPrimitives.WriteUInt32LittleEndian(f[48..], k.Gid);
            entry.Digest.CopyTo(f[52..]);
            used += 2 + pathLength + FixedLength;
        }

        Flush();
        stream.Write(sum.GetHashAndReset());
    }
}
