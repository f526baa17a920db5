using Slipway.Oci;

namespace Slipway.Store;

/// <summary>The content-addressed blob seam: immutable blobs named by their digest. A blob is visible only
/// once its content has been verified against its digest (and expected size).</summary>
public interface IContentStore
{
    bool Exists(Digest digest);

    /// <summary>The size of a stored blob, or null when it is absent.</summary>
    long? GetSize(Digest digest);

    /// <summary>Opens a stored blob for reading. Throws <see cref="BlobNotFoundException"/> when absent.</summary>
    Stream OpenRead(Digest digest);

    /// <summary>Starts a write that hashes as it goes. Nothing becomes visible until <see cref="BlobWriteStream.CommitAsync"/>
    /// verifies size and digest; disposing without committing discards the temp file. Pass the operation's
    /// <paramref name="lease"/>: the commit adds the digest to it before the blob becomes visible, so a concurrent
    /// collection cannot remove it before the operation names or leases it.</summary>
    BlobWriteStream OpenWriter(long? expectedSize = null, Digest? expectedDigest = null, Lease? lease = null);
}

public sealed class BlobNotFoundException(Digest digest)
    : FileNotFoundException($"blob {digest} not found in the content store")
{
    public Digest Digest { get; } = digest;
}

/// <summary>Content that does not match what the writer was told to expect. Nothing was stored.</summary>
public sealed class BlobVerificationException(string message) : IOException(message);
