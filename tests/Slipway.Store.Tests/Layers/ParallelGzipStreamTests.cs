using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using Slipway.Store.Layers;
using Slipway.Testing;

namespace Slipway.Store.Tests.Layers;

public sealed class ParallelGzipStreamTests
{
    /// <summary>Half random, half repeated: compressible, but not trivially.</summary>
    private static byte[] Content(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes.AsSpan(0, length / 2));
        bytes.AsSpan(length / 2).Fill((byte)'x');
        return bytes;
    }

    private static byte[] Compress(byte[] input, int chunk)
    {
        var output = new MemoryStream();
        using (var gzip = new ParallelGzipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var i = 0; i < input.Length; i += chunk)
            {
                gzip.Write(input, i, Math.Min(chunk, input.Length - i));
            }
        }

        return output.ToArray();
    }

    private static async Task<byte[]> CompressAsync(byte[] input, int chunk)
    {
        var output = new MemoryStream();
        var gzip = new ParallelGzipStream(output, CompressionLevel.Optimal, leaveOpen: true);
        await using (gzip.ConfigureAwait(false))
        {
            for (var i = 0; i < input.Length; i += chunk)
            {
                await gzip.WriteAsync(input.AsMemory(i, Math.Min(chunk, input.Length - i)));
            }
        }

        return output.ToArray();
    }

    private static byte[] Decompress(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(ParallelGzipStream.BlockSize)]
    [InlineData(ParallelGzipStream.BlockSize + 1)]
    [InlineData((5 * ParallelGzipStream.BlockSize) + 12345)]
    public void What_goes_in_comes_back_out_through_GZipStream(int length)
    {
        var input = Content(length, length);

        Assert.Equal(input, Decompress(Compress(input, 64 * 1024)));
    }

    [Fact]
    public void The_output_does_not_depend_on_how_the_writes_were_cut()
    {
        var input = Content((3 * ParallelGzipStream.BlockSize) + 777, 7);

        var whole = Compress(input, input.Length);

        Assert.Equal(whole, Compress(input, 4096));
        Assert.Equal(whole, Compress(input, 999_983));
    }

    [Fact]
    public async Task Async_writes_give_the_same_bytes_as_sync_writes()
    {
        var input = Content((2 * ParallelGzipStream.BlockSize) + 5, 3);

        Assert.Equal(Compress(input, 8192), await CompressAsync(input, 8192));
    }

    [Fact]
    public void Input_shorter_than_a_block_gives_what_a_plain_GZipStream_gives()
    {
        var input = Content(300_000, 11);
        var plain = new MemoryStream();
        using (var gzip = new GZipStream(plain, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(input);
        }

        Assert.Equal(plain.ToArray(), Compress(input, 10_000));
    }

    [Fact]
    public void Empty_input_is_a_valid_empty_gzip_stream()
    {
        var output = Compress([], 1);

        Assert.Equal([0x1f, 0x8b], output[..2]);
        Assert.Empty(Decompress(output));
    }

    [Fact]
    public void Input_of_whole_blocks_ends_without_an_empty_member()
    {
        var input = Content(2 * ParallelGzipStream.BlockSize, 5);
        var oneBlock = Compress(input[..ParallelGzipStream.BlockSize], 65536);
        var secondBlock = Compress(input[ParallelGzipStream.BlockSize..], 65536);

        Assert.Equal([.. oneBlock, .. secondBlock], Compress(input, 65536));
    }

    [Fact]
    public void The_gzip_tool_accepts_the_output()
    {
        var gzipTool = Capability.RequireTool("gzip");
        var input = Content((3 * ParallelGzipStream.BlockSize) + 1, 9);
        var path = Path.Join(Path.GetTempPath(), "slipway-pgz-" + Guid.NewGuid().ToString("N") + ".gz");
        try
        {
            File.WriteAllBytes(path, Compress(input, 100_000));
            using var gzip = Process.Start(new ProcessStartInfo(gzipTool, ["-dc", path]) { RedirectStandardOutput = true })!;
            var output = new MemoryStream();
            gzip.StandardOutput.BaseStream.CopyTo(output);
            gzip.WaitForExit();

            Assert.Equal(0, gzip.ExitCode);
            Assert.Equal(SHA256.HashData(input), SHA256.HashData(output.ToArray()));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
