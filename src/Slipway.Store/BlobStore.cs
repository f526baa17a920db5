using Slipway.Oci;

namespace Slipway.Store;

/// <summary>Blobs on disk under <c>blobs/&lt;algorithm&gt;/&lt;hex&gt;</c>. Writes are lock-free: each writer has its own
/// ingest file and the final rename is atomic, so two writers of the same blob both succeed.</summary>
public sealed class BlobStore(StoreLayout layout) : IContentStore
{
    public StoreLayout Layout { get; } = layout;

    public bool Exists(Digest digest) => File.Exists(Layout.BlobPath(digest));

    public long? GetSize(Digest digest)
    {
        var info = new FileInfo(Layout.BlobPath(digest));
        return info.Exists ? info.Length : null;
    }

    public Stream OpenRead(Digest digest) => OpenFile(digest);

    public Stream OpenVerifiedRead(Digest digest) => new VerifiedBlobStream(OpenFile(digest), digest);

    private FileStream OpenFile(Digest digest)
    {
        try
        {
            return new FileStream(Layout.BlobPath(digest), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
                bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobNotFoundException(digest);
        }
    }

    /// <summary>A whole blob (a manifest, a config), verified against its digest.</summary>
    public async Task<byte[]> ReadAllBytesAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        var stream = OpenFile(digest);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[stream.Length];
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
            var actual = Digest.Compute(buffer);
            return actual == digest ? buffer : throw new BlobCorruptException(digest, actual);
        }
    }

    /// <summary>The digest a stored blob's bytes have (null when it is absent), read synchronously for callers
    /// that hold the store lock.</summary>
    public Digest? ComputeDigest(Digest digest)
    {
        try
        {
            using var stream = OpenFile(digest);
            return Digest.Compute(stream);
        }
        catch (BlobNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The digest a stored blob's content actually has (read and hashed now), or null when it is absent.</summary>
    public async Task<Digest?> ComputeDigestAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        try
        {
            var stream = OpenFile(digest);
            await using (stream.ConfigureAwait(false))
            {
                return await Digest.ComputeAsync(stream, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (BlobNotFoundException)
        {
            return null;
        }
    }

    public BlobWriteStream OpenWriter(long? expectedSize = null, Digest? expectedDigest = null, Lease? lease = null)
    {
        if (expectedDigest is { Algorithm: not "sha256" } d)
        {
            throw new NotSupportedException($"the store keeps sha256 blobs only; cannot verify {d}");
        }

        return new BlobWriteStream(Layout, expectedSize, expectedDigest, lease);
    }

    /// <summary>Copies <paramref name="content"/> into the store, verifying it when expectations are given.
    /// Returns the digest and size actually written.</summary>
    public Task<(Digest Digest, long Size)> WriteAsync(
        Stream content, long? expectedSize = null, Digest? expectedDigest = null, CancellationToken cancellationToken = default) =>
        WriteAsync(content, expectedSize, expectedDigest, null, cancellationToken);

    /// <summary>Copies <paramref name="content"/> into the store, verifying it when expectations are given.
    /// Returns the digest and size actually written. With a <paramref name="lease"/>, the digest joins it before the
    /// blob becomes visible.</summary>
    public async Task<(Digest Digest, long Size)> WriteAsync(
        Stream content, long? expectedSize, Digest? expectedDigest, Lease? lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var writer = OpenWriter(expectedSize, expectedDigest, lease);
        await using (writer.ConfigureAwait(false))
        {
            await content.CopyToAsync(writer, 1 << 20, cancellationToken).ConfigureAwait(false);
            return await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stores a small document (manifest, config) and describes it.</summary>
    public Task<Descriptor> WriteAsync(string mediaType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        WriteAsync(mediaType, content, null, cancellationToken);

    /// <summary>Stores a small document (manifest, config) and describes it; with a <paramref name="lease"/>, held by
    /// it before it becomes visible.</summary>
    public async Task<Descriptor> WriteAsync(string mediaType, ReadOnlyMemory<byte> content, Lease? lease, CancellationToken cancellationToken = default)
    {
        var descriptor = Descriptor.For(mediaType, content.Span);
        var writer = OpenWriter(descriptor.Size, descriptor.Digest, lease);
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return descriptor;
    }

    /// <summary>Every stored sha256 blob (files whose names are not valid digests are left alone).</summary>
    public IEnumerable<Digest> List()
    {
        var folder = Layout.BlobFolder("sha256");
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (var path in Directory.EnumerateFiles(folder))
        {
            if (Digest.TryParse("sha256:" + Path.GetFileName(path), out var digest))
            {
                yield return digest;
            }
        }
    }

    internal void Delete(Digest digest) => File.Delete(Layout.BlobPath(digest));
}
