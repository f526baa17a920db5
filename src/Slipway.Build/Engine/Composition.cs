using Slipway.Runtime;
using Slipway.Store;
using Slipway.Store.Snapshots;

namespace Slipway.Build.Engine;

/// <summary>The implementations of the seams a store's builds run on: overlayfs snapshots and an OCI runtime whose
/// state lives in the store.</summary>
public static class Composition
{
    /// <summary>The OCI runtime at <paramref name="runtimePath"/> (runc, crun or a path to one), keeping its state in
    /// the store under the binary's name.</summary>
    public static IContainerRuntime Runtime(StoreLayout layout, string runtimePath)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return new OciRuntime(runtimePath, layout.RuntimeState(Path.GetFileName(runtimePath)));
    }

    /// <summary>Snapshots over the store's unpacked layers; <paramref name="fetcher"/> brings a layer an imported cache
    /// named before it is unpacked.</summary>
    public static ISnapshotter Snapshotter(LocalStore store, IBlobFetcher? fetcher = null) => new OverlaySnapshotter(store) { Fetcher = fetcher };
}
