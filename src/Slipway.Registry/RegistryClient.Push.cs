using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Slipway.Oci;
using Slipway.Registry.Auth;

namespace Slipway.Registry;

public sealed partial class RegistryClient
{
    /// <summary>Makes <paramref name="digest"/> present in <paramref name="repository"/>: nothing if it is already
    /// there, a cross-repository mount from <paramref name="mountFrom"/> if the registry allows it, otherwise an
    /// upload of <paramref name="content"/> (<paramref name="size"/> bytes) in one PUT or in chunks. The bytes are
    /// hashed as they are read and the upload is abandoned, not committed, if they do not match. A session the
    /// registry loses (416, or 404 once expired) is replaced by a new one, from byte 0 (a chunked upload needs
    /// seekable content for that).</summary>
    public async Task<BlobPushOutcome> PushBlobAsync(string repository, Digest digest, long size, Stream content,
        string? mountFrom = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var name = RepositoryName.Validate(repository);
        var from = mountFrom is null ? null : RepositoryName.Validate(mountFrom);
        if (await BlobExistsAsync(name, digest, cancellationToken).ConfigureAwait(false))
        {
            return BlobPushOutcome.AlreadyExists;
        }

        var monolithic = size <= _options.MonolithicUploadLimit;
        byte[]? bytes = null;
        var start = content.CanSeek ? content.Position : -1;
        for (var session = 1; ; session++)
        {
            var (mounted, location) = await StartUploadAsync(name, digest, from, cancellationToken).ConfigureAwait(false);
            if (mounted)
            {
                return BlobPushOutcome.Mounted;
            }

            try
            {
                if (monolithic)
                {
                    // Read (and verified) once, so a new session can send the same bytes again.
                    bytes ??= await ReadMonolithicAsync(digest, size, content, cancellationToken).ConfigureAwait(false);
                    await PutMonolithicAsync(name, digest, bytes, location, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    if (session > 1)
                    {
                        content.Position = start;
                    }

                    await UploadChunkedAsync(name, digest, size, content, location, cancellationToken).ConfigureAwait(false);
                }

                return BlobPushOutcome.Uploaded;
            }
            catch (RegistryException e) when (IsLostSession(e) && session < _options.MaxAttempts
                && (monolithic || start >= 0))
            {
                // The registry forgot the session (it expired, or lost its offset): a new one, from byte 0.
            }
            catch
            {
                await CancelUploadAsync(name, location).ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>416 (a chunk not where the registry's session is) or 404 (the session expired or is unknown) on the
    /// upload URL: the session is gone, the repository is not (the POST that opened it succeeded).</summary>
    private static bool IsLostSession(RegistryException e) =>
        e.StatusCode is HttpStatusCode.RequestedRangeNotSatisfiable or HttpStatusCode.NotFound;

    /// <summary>POST an upload session, or a mount (which needs pull on the source repository too).</summary>
    private async Task<(bool Mounted, Uri Location)> StartUploadAsync(string name, Digest digest, string? from,
        CancellationToken cancellationToken)
    {
        var path = $"v2/{name}/blobs/uploads/";
        IReadOnlyList<string> scopes = [RegistryScope.PullPush(name)];
        if (from is not null && from != name)
        {
            path += $"?mount={Uri.EscapeDataString(digest.Value)}&from={Uri.EscapeDataString(from)}";
            scopes = [RegistryScope.PullPush(name), RegistryScope.Pull(from)];
        }

        using var request = NewRequest(HttpMethod.Post, path, scopes);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"blob upload to {name}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            return (true, request.RequestUri!);
        }

        return (false, UploadLocation(response, request.RequestUri!, name));
    }

    private static async Task<byte[]> ReadMonolithicAsync(Digest digest, long size, Stream content,
        CancellationToken cancellationToken)
    {
        var bytes = new byte[size];
        await content.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        if (await content.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) > 0)
        {
            throw new ContentVerificationException($"blob {digest} has more than the declared {size} bytes");
        }

        using var hash = IncrementalHash.CreateHash(HashOf(digest));
        hash.AppendData(bytes);
        VerifyUpload(digest, hash);
        return bytes;
    }

    private async Task PutMonolithicAsync(string name, Digest digest, byte[] bytes, Uri location,
        CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Put, WithDigest(location, digest), [RegistryScope.PullPush(name)]);
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"blob {name}@{digest}", cancellationToken).ConfigureAwait(false);
    }

    private async Task UploadChunkedAsync(string name, Digest digest, long size, Stream content, Uri location,
        CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashOf(digest));
        var chunkSize = (int)Math.Min(_options.ChunkSize, size);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(chunkSize, 1));
        try
        {
            long offset = 0;
            while (true)
            {
                var filled = await content.ReadAtLeastAsync(buffer.AsMemory(0, chunkSize), chunkSize,
                    throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (filled == 0)
                {
                    break;
                }

                if (offset + filled > size)
                {
                    throw new ContentVerificationException($"blob {digest} has more than the declared {size} bytes");
                }

                hash.AppendData(buffer, 0, filled);
                using var request = NewRequest(HttpMethod.Patch, location, [RegistryScope.PullPush(name)]);
                request.Content = new ByteArrayContent(buffer, 0, filled);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                // Distribution wants "start-end" (inclusive) without the "bytes " unit of RFC 9110.
                request.Content.Headers.TryAddWithoutValidation("Content-Range", string.Create(
                    CultureInfo.InvariantCulture, $"{offset}-{offset + filled - 1}"));
                using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
                await EnsureSuccessAsync(response, $"blob {name}@{digest} chunk at {offset}", cancellationToken)
                    .ConfigureAwait(false);
                location = UploadLocation(response, location, name);
                offset += filled;
            }

            if (offset != size)
            {
                throw new ContentVerificationException($"blob {digest} has {offset} bytes, declared {size}");
            }

            VerifyUpload(digest, hash);
            using var commit = NewRequest(HttpMethod.Put, WithDigest(location, digest), [RegistryScope.PullPush(name)]);
            commit.Content = new ByteArrayContent([]);
            using var committed = await SendAsync(commit, cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(committed, $"blob {name}@{digest}", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void VerifyUpload(Digest digest, IncrementalHash hash)
    {
        var actual = DigestOf(digest.Algorithm, hash.GetHashAndReset());
        if (actual != digest)
        {
            throw new ContentVerificationException($"blob declared as {digest} hashes to {actual}; not committed");
        }
    }

    /// <summary>Best effort: a failed upload session is deleted so the registry can forget it sooner.</summary>
    private async Task CancelUploadAsync(string name, Uri location)
    {
        try
        {
            using var request = NewRequest(HttpMethod.Delete, location, [RegistryScope.PullPush(name)]);
            using var response = await SendAsync(request, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or IdleTimeoutException or RegistryException)
        {
            // The session expires on its own.
        }
    }

    private Uri UploadLocation(HttpResponseMessage response, Uri requestUri, string name)
    {
        var location = response.Headers.Location
            ?? throw new RegistryException($"{Endpoint.Host}: blob upload to {name}: no Location in the answer");
        return location.IsAbsoluteUri ? location : new Uri(requestUri, location);
    }

    private static Uri WithDigest(Uri location, Digest digest)
    {
        var builder = new UriBuilder(location);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : "") + "digest=" + Uri.EscapeDataString(digest.Value);
        return builder.Uri;
    }
}
