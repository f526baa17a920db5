using Slipway.Testing;

namespace Slipway.Runtime.Tests;

/// <summary>Real containers on a busybox root filesystem made from the host's busybox.</summary>
public abstract class OciRuntimeContract(string name) : ContainerRuntimeContract
{
    protected override IContainerRuntime Create(string stateRoot)
    {
        Capability.RequireRoot();
        var candidate = RuntimeDetector.Detect(Environment.GetEnvironmentVariable("PATH"), RuntimeDetector.DetectCgroupLayout())
            .Single(c => c.Name == name);
        if (!candidate.Usable && RuntimeDetector.DetectCgroupLayout() == CgroupLayout.Hybrid)
        {
            // A refusal the detector explains (crun on v1 controllers plus a v2 unified hierarchy) is this
            // machine's layout, not a broken setup: skip even under CI; RuntimeDetectorTests checks the reason.
            Assert.Skip($"{name}: {candidate.Reason}");
        }

        Capability.Require(candidate.Usable, $"{name}: {candidate.Reason}");
        return new OciRuntime(candidate.Path!, stateRoot);
    }

    protected override void Populate(string rootfs)
    {
        var busybox = Capability.RequireTool("busybox");
        File.Copy(busybox, Path.Join(rootfs, "bin", "busybox"));
        foreach (var applet in (string[])["sh", "id", "touch", "sleep", "cat"])
        {
            File.CreateSymbolicLink(Path.Join(rootfs, "bin", applet), "busybox");
        }
    }
}

public sealed class RuncContractTests() : OciRuntimeContract("runc");

/// <summary>crun refuses the hybrid cgroup layout; there the whole suite skips with that reason.</summary>
public sealed class CrunContractTests() : OciRuntimeContract("crun");

public sealed class FakeContainerRuntimeContractTests : ContainerRuntimeContract
{
    protected override IContainerRuntime Create(string stateRoot) => new FakeContainerRuntime(FakeShell.RunAsync);

    protected override void Populate(string rootfs)
    {
    }
}
