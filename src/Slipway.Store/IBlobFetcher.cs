using Slipway.Oci;

namespace Slipway.Store;

/// <summary>Brings a blob the build refers to but the store lacks (a layer of a step answered from an imported
/// cache) into the store, when something must read it.</summary>
public interface IBlobFetcher
{
    Task EnsureAsync(Descriptor blob, CancellationToken cancellationToken);
}
