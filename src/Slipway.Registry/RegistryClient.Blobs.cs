using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Slipway.Oci;
using Slipway.Registry.Auth;
using Slipway.Registry.Http;

namespace Slipway.Registry;

public sealed partial class RegistryClient
{
    private const int CopyBufferSize = 128 * 1024;

    /// <summary>HEAD a blob: its size, or null when the repository does not hold it.</summary>
    public async Task<long?> HeadBlobAsync(string repository, Digest digest, CancellationToken cancellationToken = default)
    {
        var name = RepositoryName.Validate(repository);
        using var request = NewRequest(HttpMethod.Head, $"v2/{name}/blobs/{digest.Value}", [RegistryScope.Pull(name)]);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, $"blob {name}@{digest}", cancellationToken).ConfigureAwait(false);
        return response.Content.Headers.ContentLength ?? -1;
    }

    public async Task<bool> BlobExistsAsync(string repository, Digest digest, CancellationToken cancellationToken = default) =>
        await HeadBlobAsync(repository, digest, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Streams a blob into <paramref name="destination"/>, hashing as it writes. A dropped connection is
    /// resumed with a Range request; more bytes than <paramref name="expectedSize"/> or a digest mismatch throws
    /// <see cref="ContentVerificationException"/>, and then nothing written may be used (callers write to a temp
    /// file and rename only after this returns). An exception from writing to <paramref name="destination"/> is
    /// passed on as it is, at once.</summary>
    /// <returns>The number of bytes written.</returns>
    public async Task<long> GetBlobAsync(string repository, Digest digest, Stream destination, long? expectedSize = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var name = RepositoryName.Validate(repository);
        var start = destination.CanSeek ? destination.Position : -1;
        using var hash = IncrementalHash.CreateHash(HashOf(digest));
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            long written = 0;
            // A failing write is ours (a full disk), not the registry's: it is not retried.
            var writing = false;
            for (var attempt = 1; ; attempt++)
            {
                using var request = NewRequest(HttpMethod.Get, $"v2/{name}/blobs/{digest.Value}", [RegistryScope.Pull(name)]);
                if (written > 0)
                {
                    request.Headers.Range = new RangeHeaderValue(written, null);
                }

                using var response = await SendAsync(request, cancellationToken, HttpCompletionOption.ResponseHeadersRead)
                    .ConfigureAwait(false);
                await EnsureSuccessAsync(response, $"blob {name}@{digest}", cancellationToken).ConfigureAwait(false);
                if (written > 0 && response.StatusCode == HttpStatusCode.PartialContent && !ResumesAt(response, written))
                {
                    throw new RegistryException(
                        $"blob {name}@{digest} from {Endpoint.Host}: asked to resume at byte {written}, the registry answered {response.Content.Headers.ContentRange}");
                }

                if (written > 0 && response.StatusCode != HttpStatusCode.PartialContent)
                {
                    // The server ignored the Range and sent the whole blob again: start over if the destination lets us.
                    if (start < 0)
                    {
                        throw new RegistryException($"blob {name}@{digest}: the registry cannot resume at byte {written} and the destination cannot be rewound");
                    }

                    destination.Position = start;
                    destination.SetLength(start);
                    hash.GetHashAndReset();
                    written = 0;
                }

                try
                {
                    var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                    await using (body.ConfigureAwait(false))
                    {
                        int read;
                        while ((read = await body.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken)
                            .ConfigureAwait(false)) > 0)
                        {
                            if (expectedSize is { } limit && written + read > limit)
                            {
                                throw new ContentVerificationException(
                                    $"blob {name}@{digest} from {Endpoint.Host} is larger than the expected {limit} bytes");
                            }

                            hash.AppendData(buffer, 0, read);
                            writing = true;
                            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                            writing = false;
                            written += read;
                        }
                    }

                    break;
                }
                catch (Exception e) when (!writing && RetryHandler.IsTransportFailure(e)
                    && attempt < _options.MaxAttempts && !cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(RetryHandler.Backoff(_options.RetryBaseDelay, attempt), _options.TimeProvider,
                        cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!writing && RetryHandler.IsTransportFailure(e)
                    && !cancellationToken.IsCancellationRequested)
                {
                    var what = e is IdleTimeoutException ? "the registry stopped sending" : "the connection was lost";
                    throw new RegistryException(
                        $"blob {name}@{digest} from {Endpoint.Host}: {what} after {written} bytes " +
                        $"and {attempt} attempts: {Describe(e)}", e);
                }
            }

            if (expectedSize is { } size && written != size)
            {
                throw new ContentVerificationException(
                    $"blob {name}@{digest} from {Endpoint.Host} has {written} bytes, expected {size}");
            }

            var actual = DigestOf(digest.Algorithm, hash.GetHashAndReset());
            if (actual != digest)
            {
                throw new ContentVerificationException(
                    $"blob {name}@{digest} from {Endpoint.Host} hashes to {actual}");
            }

            return written;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool ResumesAt(HttpResponseMessage response, long offset) =>
        response.StatusCode == HttpStatusCode.PartialContent
        && response.Content.Headers.ContentRange is { From: { } from } && from == offset;

    internal static HashAlgorithmName HashOf(Digest digest) =>
        digest.Algorithm == "sha512" ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256;

    internal static Digest DigestOf(string algorithm, byte[] hash) =>
        algorithm == "sha256" ? Digest.FromSha256Hash(hash) : Digest.Parse($"{algorithm}:{Convert.ToHexStringLower(hash)}");
}
