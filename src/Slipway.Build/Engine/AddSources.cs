using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using Slipway.Oci;
using Slipway.Store.Layers;

namespace Slipway.Build.Engine;

/// <summary>What ADD does beyond COPY: local tar archives (plain, gzip, bzip2, xz, zstd) are unpacked into the
/// destination, safely; URLs are downloaded (and checked against <c>--checksum</c>), never unpacked.</summary>
public sealed class AddSources(string scratchDir) : IDisposable
{
    private static readonly byte[] Bzip2Magic = "BZh"u8.ToArray();
    private static readonly byte[] XzMagic = [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00];

    private readonly ConcurrentDictionary<string, Lazy<Task<(string Path, Digest Digest)>>> _downloads = new(StringComparer.Ordinal);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(10) };

    public static bool IsUrl(string source) =>
        source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Downloads a URL once per build (into scratch space), verifying <paramref name="checksum"/> when given.</summary>
    public Task<(string Path, Digest Digest)> DownloadAsync(string url, string? checksum, CancellationToken cancellationToken) =>
        _downloads.GetOrAdd(url, u => new Lazy<Task<(string, Digest)>>(() => FetchAsync(u, checksum, cancellationToken))).Value;

    private async Task<(string, Digest)> FetchAsync(string url, string? checksum, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(scratchDir);
        var file = Path.Join(scratchDir, "download-" + Guid.NewGuid().ToString("N"));
        using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new BuildException($"failed to download {url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        Digest digest;
        await using (var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write))
        await using (var input = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            int n;
            while ((n = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }

            digest = Digest.FromSha256Hash(hash.GetHashAndReset());
        }

        if (checksum is not null && !string.Equals(checksum, digest.Value, StringComparison.Ordinal))
        {
            File.Delete(file);
            throw new BuildException($"digest mismatch for {url}: expected {checksum}, got {digest.Value}");
        }

        if (response.Content.Headers.LastModified is { } modified)
        {
            File.SetLastWriteTimeUtc(file, modified.UtcDateTime);
        }

        // Downloaded files are 0600, as in Docker.
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return (file, digest);
    }

    /// <summary>A tar archive's uncompressed stream, or null when the file is not one (then ADD copies it).</summary>
    public static Stream? OpenArchive(string path)
    {
        var head = new byte[6];
        int read;
        using (var probe = File.OpenRead(path))
        {
            read = probe.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        var span = head.AsSpan(0, read);
        Stream? stream = null;
        if (span.StartsWith(Bzip2Magic))
        {
            stream = Decompress("bzip2", path);
        }
        else if (span.StartsWith(XzMagic))
        {
            stream = Decompress("xz", path);
        }
        else if (span.Length >= 2 && span[0] == 0x1f && span[1] == 0x8b)
        {
            stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        }
        else if (span.Length >= 4 && span[..4].SequenceEqual(new byte[] { 0x28, 0xb5, 0x2f, 0xfd }))
        {
            stream = new ZstdSharp.DecompressionStream(File.OpenRead(path));
        }
        else
        {
            stream = File.OpenRead(path);
        }

        // A tar has "ustar" at offset 257 of its first header.
        var header = new byte[512];
        var got = 0;
        try
        {
            got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException)
        {
        }

        stream.Dispose();
        if (got < 262 || !header.AsSpan(257, 5).SequenceEqual("ustar"u8))
        {
            return null;
        }

        return span.StartsWith(Bzip2Magic) ? Decompress("bzip2", path)
            : span.StartsWith(XzMagic) ? Decompress("xz", path)
            : File.OpenRead(path);
    }

    /// <summary>Unpacks an archive into a directory inside the image root; every entry resolved inside it.</summary>
    public static async Task ExtractAsync(Stream archive, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        await using (archive.ConfigureAwait(false))
        {
            await LayerExtractor.ExtractAsync(archive, null, directory, new ExtractOptions { Whiteouts = WhiteoutMode.ApplyToLowerLayers }, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private static Stream Decompress(string tool, string path)
    {
        // bzip2 and xz have no decompressor in the framework; Debian's own tools stream them.
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-dc");
        start.ArgumentList.Add(path);
        var process = Process.Start(start) ?? throw new BuildException($"cannot start {tool} to unpack {Path.GetFileName(path)}");
        return process.StandardOutput.BaseStream;
    }

    public void Dispose() => _http.Dispose();
}
