using System.Buffers;
using System.Globalization;
using System.Text;

namespace Slipway.Store.Layers;

/// <summary>Writes a PAX extended header ('x') block by hand. System.Formats.Tar names its PAX headers
/// after the process id, which would make the same tree give a different layer digest on every run;
/// this writes the fixed name <c>PaxHeaders.0/&lt;base&gt;</c> as Go's archive/tar (and so BuildKit) does,
/// and keeps binary values (security.capability) byte for byte.</summary>
internal static class PaxHeader
{
    private const int BlockSize = 512;

    public static async Task WriteAsync(
        Stream output, string entryName, SortedDictionary<string, byte[]> records, CancellationToken cancellationToken)
    {
        var body = Encode(records);
        var padded = (body.Length + BlockSize - 1) / BlockSize * BlockSize;
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize + padded);
        try
        {
            var block = buffer.AsSpan(0, BlockSize + padded);
            block.Clear();
            var baseName = entryName.TrimEnd('/');
            baseName = baseName[(baseName.LastIndexOf('/') + 1)..];
            WriteHeader(block[..BlockSize], UstarSafe("PaxHeaders.0/" + baseName, 100), body.Length);
            body.CopyTo(block[BlockSize..]);
            await output.WriteAsync(buffer.AsMemory(0, BlockSize + padded), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>An ASCII, at most <paramref name="maxBytes"/> long stand-in for a name that only the PAX
    /// record holds in full (readers use the record).</summary>
    public static string UstarSafe(string name, int maxBytes)
    {
        var sb = new StringBuilder(Math.Min(name.Length, maxBytes));
        foreach (var c in name)
        {
            if (sb.Length == maxBytes)
            {
                break;
            }

            sb.Append(c is >= ' ' and <= '~' ? c : '_');
        }

        return sb.ToString();
    }

    public static bool IsUstarSafe(string name, int maxBytes)
    {
        if (name.Length > maxBytes)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Records as <c>"%d %s=%s\n"</c>, where the length counts its own digits.</summary>
    internal static byte[] Encode(SortedDictionary<string, byte[]> records)
    {
        using var body = new MemoryStream();
        foreach (var (key, value) in records)
        {
            var keyBytes = Encoding.UTF8.GetBytes(key);
            var rest = 1 + keyBytes.Length + 1 + value.Length + 1; // ' ' key '=' value '\n'
            var length = rest + 1;
            while (length != rest + Digits(length))
            {
                length = rest + Digits(length);
            }

            body.Write(Encoding.ASCII.GetBytes(length.ToString(CultureInfo.InvariantCulture)));
            body.WriteByte((byte)' ');
            body.Write(keyBytes);
            body.WriteByte((byte)'=');
            body.Write(value);
            body.WriteByte((byte)'\n');
        }

        return body.ToArray();
    }

    private static int Digits(int n) => n.ToString(CultureInfo.InvariantCulture).Length;

    private static void WriteHeader(Span<byte> header, string name, int size)
    {
        Encoding.ASCII.GetBytes(name, header[..100]);
        Octal(header.Slice(100, 8), 420); // 0644
        Octal(header.Slice(108, 8), 0);
        Octal(header.Slice(116, 8), 0);
        Octal(header.Slice(124, 12), size);
        Octal(header.Slice(136, 12), 0);
        header[156] = (byte)'x';
        "ustar\0"u8.CopyTo(header[257..]);
        "00"u8.CopyTo(header[263..]);

        // The checksum is computed with its own field read as eight spaces.
        header.Slice(148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in header)
        {
            sum += b;
        }

        Octal(header.Slice(148, 7), sum);
        header[155] = (byte)' ';
    }

    /// <summary>Zero-padded octal filling all but the last byte of the field, then NUL.</summary>
    private static void Octal(Span<byte> field, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(field.Length - 1, '0');
        Encoding.ASCII.GetBytes(digits, field);
        field[^1] = 0;
    }
}
