using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Slipway.Oci;
using Slipway.Store.Layers;

namespace Slipway.Build.Engine;

/// <summary>What ADD does beyond COPY: local tar archives (plain, gzip, bzip2, xz, zstd) are unpacked into the
/// destination, safely; URLs are downloaded (and checked against <c>--checksum</c>), with the
/// <c>HTTP_AUTH_HEADER_&lt;host&gt;</c> or <c>HTTP_AUTH_TOKEN_&lt;host&gt;</c> secret of their host as the
/// Authorization header, as BuildKit's http source sends them. Secret values go only into the request.</summary>
public sealed partial class AddSources(string scratchDir, IReadOnlyDictionary<string, byte[]>? secrets = null) : IDisposable
{
    private static readonly byte[] Bzip2Magic = "BZh"u8.ToArray();
    private static readonly byte[] XzMagic = [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00];

    private readonly ConcurrentDictionary<string, Lazy<Task<(string Path, Digest Digest)>>> _downloads = new(StringComparer.Ordinal);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(10) };

    public static bool IsUrl(string source) =>
        source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Every URL in <paramref name="text"/> with its user and password replaced by <c>xxxxx</c>, as
    /// BuildKit's urlutil.RedactCredentials shows them: <c>https://xxxxx:xxxxx@host/f</c>. Used wherever an ADD
    /// line or its URL is shown or stored (progress, history, cache records, errors); only the fetch sees them.</summary>
    public static string Redact(string text) =>
        text.Contains('@', StringComparison.Ordinal)
            ? UserInfo().Replace(text, m =>
            {
                var info = m.Groups["info"].Value;
                var colon = info.IndexOf(':', StringComparison.Ordinal);
                var user = colon < 0 ? info : info[..colon];
                var redacted = (user.Length > 0 ? "xxxxx" : "") + (colon < 0 ? "" : colon == info.Length - 1 ? ":" : ":xxxxx");
                return m.Groups["scheme"].Value + redacted + "@";
            })
            : text;

    // scheme://userinfo@ — userinfo holds no '/', '?', '#', '@' or space, so an '@' later in a path is not taken.
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?<info>[^/?#@\s]+)@",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex UserInfo();

    /// <summary>The URL to request, without its user information, and the Basic credentials that user information
    /// carried (percent-decoded, as Go's net/http sends them), or null when it had none.</summary>
    internal static (Uri Request, AuthenticationHeaderValue? Authorization) SplitCredentials(string url)
    {
        var uri = new Uri(url);
        if (uri.UserInfo.Length == 0)
        {
            return (uri, null);
        }

        var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
        var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
        var password = colon < 0 ? "" : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        var bare = new UriBuilder(uri) { UserName = "", Password = "" }.Uri;
        return (bare, new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}"))));
    }

    /// <summary>The Authorization value the build's secrets give for <paramref name="uri"/>'s host (without its
    /// port): <c>HTTP_AUTH_HEADER_&lt;host&gt;</c> as it is, <c>HTTP_AUTH_TOKEN_&lt;host&gt;</c> as a Bearer token,
    /// the token when both are given (BuildKit sets them in that order); null when neither is.</summary>
    internal string? SecretAuthorization(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (secrets is null)
        {
            return null;
        }

        var host = uri.Host.Trim('[', ']');
        string? value = null;
        if (secrets.TryGetValue("HTTP_AUTH_HEADER_" + host, out var header))
        {
            value = System.Text.Encoding.UTF8.GetString(header);
        }

        if (secrets.TryGetValue("HTTP_AUTH_TOKEN_" + host, out var token))
        {
            value = "Bearer " + System.Text.Encoding.UTF8.GetString(token);
        }

        return value;
    }

    /// <summary>Downloads a URL once per build (into scratch space), verifying <paramref name="checksum"/> when given.</summary>
    public Task<(string Path, Digest Digest)> DownloadAsync(string url, string? checksum, CancellationToken cancellationToken) =>
        _downloads.GetOrAdd(url, u => new Lazy<Task<(string, Digest)>>(() => FetchAsync(u, checksum, cancellationToken))).Value;

    private async Task<(string, Digest)> FetchAsync(string url, string? checksum, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(scratchDir);
        var file = Path.Join(scratchDir, "download-" + Guid.NewGuid().ToString("N"));
        // Credentials in the URL go in an Authorization header, never in the request line or any message.
        var (uri, authorization) = SplitCredentials(url);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = authorization;
        if (SecretAuthorization(uri) is { } fromSecret)
        {
            request.Headers.Authorization = null;
            request.Headers.TryAddWithoutValidation("Authorization", fromSecret);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new BuildException($"failed to download {Redact(url)}: {ErrorText.Describe(e)}", e);
        }

        using var _ = response;
        if (!response.IsSuccessStatusCode)
        {
            throw new BuildException($"failed to download {Redact(url)}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
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
            throw new BuildException($"digest mismatch for {Redact(url)}: expected {checksum}, got {digest.Value}");
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

    /// <summary>Unpacks an archive into a directory inside the image root; every entry resolved inside it. The archive
    /// is not a layer: its <c>.wh.</c> entries are files, never deletions of what the destination holds.</summary>
    public static async Task ExtractAsync(Stream archive, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        await using (archive.ConfigureAwait(false))
        {
            await LayerExtractor.ExtractAsync(archive, null, directory, new ExtractOptions { Whiteouts = WhiteoutMode.Literal }, cancellationToken)
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
