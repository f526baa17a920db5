using Slipway.Runtime.Spec;

namespace Slipway.Runtime;

/// <summary>Runs one process in a prepared root filesystem, the way a build step needs it: run to completion with
/// its output streamed, killed and removed when cancelled, and force-deleted by id after a crash. runc and crun
/// are one implementation (<see cref="OciRuntime"/>); rootless and emulated runtimes are others to come.</summary>
public interface IContainerRuntime
{
    /// <summary>The runtime's name (<c>runc</c>, <c>crun</c>): its state lives under this name in the store.</summary>
    string Name { get; }

    /// <summary>Runs the container and returns the process's exit code. Each line it prints goes to
    /// <paramref name="output"/>, one call at a time, in the order each stream printed them. Cancelling kills the
    /// process, removes the container and throws <see cref="OperationCanceledException"/>.</summary>
    Task<int> RunAsync(ContainerSpec spec, Action<OutputLine> output, CancellationToken cancellationToken);

    /// <summary>Force-removes a container, killing what still runs in it. A container that does not exist is not an
    /// error. True when no container of that id is left.</summary>
    Task<bool> DeleteAsync(string containerId, CancellationToken cancellationToken);

    /// <summary>The ids of the containers this runtime holds whose id starts with <paramref name="prefix"/>: what a
    /// killed process may have left.</summary>
    IReadOnlyList<string> Containers(string prefix);
}

/// <summary>One container run: a process (<see cref="StepProcess"/>: arguments, environment, working directory,
/// user, network, security) in <see cref="Rootfs"/> with <see cref="Mounts"/> on top of the defaults
/// <see cref="SpecBuilder"/> gives every container (capabilities, seccomp, masked paths, /proc, /dev, /sys).</summary>
public sealed record ContainerSpec
{
    /// <summary>The container's id: unique among running containers; prefixed so a prune can tell whose it is.</summary>
    public required string Id { get; init; }

    /// <summary>The prepared root filesystem on the host.</summary>
    public required string Rootfs { get; init; }

    /// <summary>A directory of the caller's, alive for the run, where the runtime may keep its own files (the OCI
    /// bundle's config.json).</summary>
    public required string BundleDir { get; init; }

    public required StepProcess Process { get; init; }

    /// <summary>Mounts beyond the defaults: binds, tmpfs, caches, secrets.</summary>
    public IReadOnlyList<MountSpec> Mounts { get; init; } = [];

    /// <summary>Whether the root filesystem is mounted read-only inside the container.</summary>
    public bool ReadonlyRootfs { get; init; }
}

/// <summary>Which of a process's output streams a line came from.</summary>
public enum OutputChannel
{
    Stdout,
    Stderr,
}

/// <summary>One line a container's process printed, without its line ending.</summary>
public readonly record struct OutputLine(OutputChannel Channel, string Text);
