using System.Text;

namespace Slipway.Insight.Sbom;

/// <summary>A Go binary's embedded build information (what <c>go version -m</c> prints): the toolchain version,
/// the main package's path and module, and the modules linked in (replacements applied).</summary>
public sealed record GoBuildInfo(string GoVersion, string? Path, GoModule? Main, IReadOnlyList<GoModule> Deps);

public sealed record GoModule(string Path, string Version, string? Sum);

/// <summary>Finds and decodes Go 1.18+ build info in a stream: the 16-byte-aligned <c>"\xff Go buildinf:"</c>
/// header (32 bytes: magic, pointer size, flags), and with flag 0x2 two varint-length-prefixed strings, the Go
/// version and the module info. Older binaries (pointers instead of inline strings) are not decoded.</summary>
public static class GoBuildInfoReader
{
    // 0xff is written as a byte: in a C# string literal it would be U+00FF, two bytes in UTF-8.
    private static readonly byte[] Magic = [0xff, .. " Go buildinf:"u8];
    private static readonly byte[] ElfMagic = [0x7f, (byte)'E', (byte)'L', (byte)'F'];
    private const int HeaderSize = 32;
    private const int ChunkSize = 1 << 16;
    private const int MaxStrings = 4 << 20;

    public static bool IsElf(ReadOnlySpan<byte> head) => head.StartsWith(ElfMagic);

    /// <summary>Reads forward until the build info is found and decoded; null when the stream has none. The
    /// caller's stream is left wherever reading stopped.</summary>
    public static async Task<GoBuildInfo?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[ChunkSize + Magic.Length];
        var carry = 0;
        var source = stream;
        while (true)
        {
            var n = await source.ReadAsync(buffer.AsMemory(carry, ChunkSize), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return null;
            }

            var filled = carry + n;
            var from = 0;
            var restarted = false;
            while (from < filled)
            {
                var at = buffer.AsSpan(from, filled - from).IndexOf(Magic);
                if (at < 0)
                {
                    break;
                }

                at += from;
                // The header and its strings may run past this chunk: gather them before decoding.
                var tail = new Tail(buffer.AsSpan(at, filled - at).ToArray(), source);
                var info = await TryDecodeAsync(tail, cancellationToken).ConfigureAwait(false);
                if (info is not null)
                {
                    return info;
                }

                // Not a real header (a string literal, say): look on after its first byte.
                if (tail.ReadMore)
                {
                    source = new Slipway.Store.Layers.PrefixedReadStream(tail.Bytes.AsMemory(1, tail.Length - 1), source);
                    carry = 0;
                    restarted = true;
                    break;
                }

                from = at + 1;
            }

            if (!restarted)
            {
                // Keep the last bytes in case the magic straddles two chunks.
                carry = Math.Min(Magic.Length - 1, filled);
                Array.Copy(buffer, filled - carry, buffer, 0, carry);
            }
        }
    }

    /// <summary>Decodes build info from bytes that start at a header (used by tests with synthetic blobs).</summary>
    public static GoBuildInfo? Decode(ReadOnlySpan<byte> blob)
    {
        var tail = new Tail(blob.ToArray(), Stream.Null);
        return TryDecodeAsync(tail, CancellationToken.None).GetAwaiter().GetResult();
    }

    private static async Task<GoBuildInfo?> TryDecodeAsync(Tail tail, CancellationToken cancellationToken)
    {
        if (!await tail.EnsureAsync(HeaderSize, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var pointerSize = tail.Bytes[Magic.Length];
        var flags = tail.Bytes[Magic.Length + 1];
        if (pointerSize is not (4 or 8) || (flags & 0x2) == 0)
        {
            return null;
        }

        var version = await ReadStringAsync(tail, HeaderSize, cancellationToken).ConfigureAwait(false);
        if (version is not { } v)
        {
            return null;
        }

        var goVersion = Encoding.UTF8.GetString(tail.Bytes, v.Start, v.Length);
        if (!(goVersion.StartsWith("go", StringComparison.Ordinal) || goVersion.StartsWith("devel", StringComparison.Ordinal)))
        {
            return null;
        }

        if (await ReadStringAsync(tail, v.Next, cancellationToken).ConfigureAwait(false) is not { } m)
        {
            return null;
        }

        // The module info is wrapped in two 16-byte sentinels (not UTF-8: strip them as bytes); the line
        // before the closing one ends with '\n'.
        var mod = m.Length >= 33 && tail.Bytes[m.Start + m.Length - 17] == (byte)'\n'
            ? Encoding.UTF8.GetString(tail.Bytes, m.Start + 16, m.Length - 32)
            : "";
        return ParseModInfo(goVersion, mod);
    }

    /// <summary>Parses the module info lines: <c>path</c>, <c>mod</c>, <c>dep</c>, and <c>=&gt;</c> (a replacement
    /// of the line before it).</summary>
    public static GoBuildInfo ParseModInfo(string goVersion, string modinfo)
    {
        ArgumentNullException.ThrowIfNull(modinfo);
        string? path = null;
        GoModule? main = null;
        var deps = new List<GoModule>();
        GoModule? last = null;
        var lastIsMain = false;
        foreach (var line in modinfo.Split('\n'))
        {
            var f = line.Split('\t');
            switch (f[0])
            {
                case "path" when f.Length >= 2:
                    path = f[1];
                    break;
                case "mod" when f.Length >= 3:
                    main = last = new GoModule(f[1], f[2], f.Length >= 4 ? f[3] : null);
                    lastIsMain = true;
                    break;
                case "dep" when f.Length >= 3:
                    last = new GoModule(f[1], f[2], f.Length >= 4 ? f[3] : null);
                    deps.Add(last);
                    lastIsMain = false;
                    break;
                case "=>" when f.Length >= 3 && last is not null:
                    var replacement = new GoModule(f[1], f[2], f.Length >= 4 ? f[3] : null);
                    if (lastIsMain)
                    {
                        main = replacement;
                    }
                    else
                    {
                        deps[^1] = replacement;
                    }

                    last = null;
                    break;
            }
        }

        return new GoBuildInfo(goVersion, path, main, deps);
    }

    private static async Task<(int Start, int Length, int Next)?> ReadStringAsync(Tail tail, int offset, CancellationToken cancellationToken)
    {
        ulong length = 0;
        var shift = 0;
        while (true)
        {
            if (shift > 35 || !await tail.EnsureAsync(offset + 1, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var b = tail.Bytes[offset++];
            length |= (ulong)(b & 0x7f) << shift;
            shift += 7;
            if (b < 0x80)
            {
                break;
            }
        }

        if (length > MaxStrings || !await tail.EnsureAsync(offset + (int)length, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return (offset, (int)length, offset + (int)length);
    }

    /// <summary>Bytes from a candidate header on, read further from the stream only as decoding asks.</summary>
    private sealed class Tail(byte[] initial, Stream stream)
    {
        private readonly int _initial = initial.Length;

        public byte[] Bytes { get; private set; } = initial;

        public int Length { get; private set; } = initial.Length;

        /// <summary>Whether decoding read from the stream beyond the initial bytes.</summary>
        public bool ReadMore => Length > _initial;

        public async Task<bool> EnsureAsync(int count, CancellationToken cancellationToken)
        {
            if (count > MaxStrings + 64)
            {
                return false;
            }

            while (Length < count)
            {
                if (Bytes.Length < count)
                {
                    var bigger = new byte[Math.Max(count, Bytes.Length * 2)];
                    Array.Copy(Bytes, bigger, Length);
                    Bytes = bigger;
                }

                var n = await stream.ReadAsync(Bytes.AsMemory(Length, Bytes.Length - Length), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    return false;
                }

                Length += n;
            }

            return true;
        }
    }
}
