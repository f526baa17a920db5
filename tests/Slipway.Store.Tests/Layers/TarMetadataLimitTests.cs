using System.Formats.Tar;
using System.Runtime.Versioning;
using System.Text;
using Slipway.Store.Layers;

namespace Slipway.Store.Tests.Layers;

/// <summary>Tar metadata entries (PAX headers, GNU long names) are read whole by the tar reader: one declaring
/// hundreds of MiB is refused from its header, before anything is buffered.</summary>
[SupportedOSPlatform("linux")]
public sealed class TarMetadataLimitTests : IDisposable
{
    private readonly Sandbox _box = new();

    public void Dispose() => _box.Dispose();

    /// <summary>A ustar header block with a valid checksum, as a crafted layer would hold it.</summary>
    private static byte[] Header(string name, char type, long size)
    {
        var block = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(block, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(block, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(block, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(block, 116);
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(block, 124);
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(block, 136);
        block[156] = (byte)type;
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(block, 257);
        "        "u8.CopyTo(block.AsSpan(148));
        var sum = block.Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(block, 148);
        return block;
    }

    private static byte[] Padded(byte[] data) => [.. data, .. new byte[(512 - (data.Length % 512)) % 512]];

    /// <summary>The header, then zeros for as long as it claims: a stream that costs nothing until it is read.</summary>
    private static ZeroTail Claiming(byte[] header, long size) => new(header, size);

    [Theory]
    [InlineData('x')]
    [InlineData('g')]
    [InlineData('L')]
    [InlineData('K')]
    public async Task A_metadata_entry_of_512_MiB_is_refused_from_its_header(char type)
    {
        var layer = Claiming(Header("PaxHeaders.0/f", type, 512L << 20), 512L << 20);

        var error = await Assert.ThrowsAsync<LayerExtractionException>(() => LayerExtractor.ExtractAsync(
            layer, null, _box.Root, new ExtractOptions(), TestContext.Current.CancellationToken));

        Assert.Contains($"tar metadata entry of type '{type}' declares {512L << 20} bytes, more than the 1 MiB allowed", error.Message,
            StringComparison.Ordinal);
        // One buffer's worth (the extractor reads 1 MiB at a time), not the 512 MiB the header claims.
        Assert.True(layer.Position <= 2 << 20, $"read {layer.Position} bytes");
    }

    [Fact]
    public async Task A_pax_header_just_under_the_limit_is_read()
    {
        var value = new string('v', (1 << 20) - 100);
        var entry = new PaxTarEntry(TarEntryType.RegularFile, "f", new Dictionary<string, string> { ["user.big"] = value })
        {
            DataStream = new MemoryStream("data"u8.ToArray()),
        };
        var layer = new TarBuilder().Add(entry).File("g", "after").ToStream();

        await LayerExtractor.ExtractAsync(layer, null, _box.Root, new ExtractOptions(), TestContext.Current.CancellationToken);

        Assert.Equal("after", File.ReadAllText(_box.InRoot("g")));
    }

    [Fact]
    public void A_pax_size_record_is_followed_to_the_next_header()
    {
        // The ustar size field says 0; the PAX record says 1000, and the reader trusts the record. A guard that
        // trusted the field would read the file's data as a header, lose its place and miss the entry after it.
        var pax = Encoding.ASCII.GetBytes("13 size=1000\n");
        var archive = new MemoryStream([
            .. Header("PaxHeaders.0/f", 'x', pax.Length), .. Padded(pax),
            .. Header("f", '0', 0), .. Padded(new byte[1000]),
            .. Header("PaxHeaders.0/g", 'x', 2L << 20), .. new byte[4096]]);

        using var reader = TarMetadataLimit.Reader(archive);
        var first = reader.GetNextEntry();
        Assert.Equal(1000, first!.Length);
        var error = Assert.Throws<InvalidDataException>(() => reader.GetNextEntry());
        Assert.Contains("declares 2097152 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ordinary_archives_pass_through_unchanged()
    {
        var bytes = new TarBuilder().Dir("d/").File("d/f", new string('z', 5000)).Symlink("l", "d/f").Hardlink("h", "d/f")
            .File(new string('n', 300), "long name").ToStream().ToArray();

        using var reader = TarMetadataLimit.Reader(new MemoryStream(bytes));
        var names = new List<string>();
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
        }

        Assert.Equal(["d/", "d/f", "l", "h", new string('n', 300)], names);
    }

    private sealed class ZeroTail(byte[] head, long zeros) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => head.Length + zeros;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, Length - _position);
            for (var i = 0; i < n; i++)
            {
                var at = _position + i;
                buffer[offset + i] = at < head.Length ? head[at] : (byte)0;
            }

            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
