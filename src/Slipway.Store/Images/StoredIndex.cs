using Slipway.Oci;

namespace Slipway.Store.Images;

/// <summary>An image index in the store and the platform images of it the store holds, in index order.</summary>
public sealed record StoredIndex(Descriptor Descriptor, ImageIndex Index, IReadOnlyList<StoredImage> Images);
