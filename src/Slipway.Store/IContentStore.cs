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

    /// <summary>Opens a stored blob to be read whole, front to back: the read that reaches its end throws
    /// <see cref="BlobCorruptException"/> when the content is not <paramref name="digest"/>. For paths that pass a
    /// blob on (unpack, save, push, export).</summary>
    Stream OpenVerifiedRead(Digest digest);

    /// <summary>Starts a write that hashes as it goes. Nothing becomes visible until <see cref="BlobWriteStream.CommitAsync"/>
    /// verifies size and digest; disposing without committing discards the temp file. Pass the operation's
    /// <paramref name="lease"/>: the commit adds the digest to it before the blob becomes visible, so a concurrent
    /// collection cannot remove it before the operation names or leases it.</summary>
    BlobWriteStream OpenWriter(long? expectedSize = null, Digest? expectedDigest = null, Lease? lease = null);
}

public sealed class BlobNotFoundException(Digest digest)
    : StoreException($"blob {digest} not found in the content store")
{
    public const string ErrorCode = "store.blob-not-found";

    public Digest Digest { get; } = digest;

    public override string Code => ErrorCode;
}

/// <summary>A stored blob whose content no longer hashes to its name (a flipped bit on disk, a file changed behind
/// the store's back). Nothing that read it should be kept.</summary>
public sealed class BlobCorruptException(Digest digest, Digest actual)
    : StoreException($"blob {digest} in the content store is corrupt: its content hashes to {actual} (slipway fsck --repair removes it)")
{
    public const string ErrorCode = "store.blob-corrupt";

    public Digest Digest { get; } = digest;

    public Digest Actual { get; } = actual;

    public override string Code => ErrorCode;
}

/// <summary>Content that does not match what the writer was told to expect. Nothing was stored.</summary>
public sealed class BlobVerificationException(string message) : StoreException(message)
{
    public const string ErrorCode = "store.blob-mismatch";

    public override string Code => ErrorCode;
}
