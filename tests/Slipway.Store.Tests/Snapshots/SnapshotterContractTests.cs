using Slipway.Store.Snapshots;
using Slipway.Testing;

namespace Slipway.Store.Tests.Snapshots;

public sealed class OverlaySnapshotterContractTests : SnapshotterContract
{
    protected override bool ViewsRefuseWrites => true;

    protected override ISnapshotter Create(LocalStore store)
    {
        Capability.RequireRoot();
        return new OverlaySnapshotter(store);
    }
}

public sealed class CopyingSnapshotterContractTests : SnapshotterContract
{
    // A view is a private copy: nothing short of a mount can make it refuse root's writes.
    protected override bool ViewsRefuseWrites => false;

    protected override ISnapshotter Create(LocalStore store) => new CopyingSnapshotter(store);
}
