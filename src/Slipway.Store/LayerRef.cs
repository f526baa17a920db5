using Slipway.Oci;

namespace Slipway.Store;

/// <summary>A layer of an image: the stored blob and its uncompressed digest (diffID), by which its snapshot is
/// named. A committed snapshot is one of these, and every snapshot is prepared over a list of them.</summary>
public sealed record LayerRef(Descriptor Blob, Digest DiffId);
