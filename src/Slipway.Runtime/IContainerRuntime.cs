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

    /// <summary>Runs one more process in a running container (<c>runc exec</c>) and returns its exit code, its output
    /// lines going to <paramref name="output"/> as <see cref="RunAsync"/>'s do. The process gets the same rules as
    /// the container's first one: user, capabilities, no-new-privileges, seccomp come from the container; the
    /// arguments, environment, working directory and user from <paramref name="process"/>. Cancelling kills that
    /// process (not the container) and throws <see cref="OperationCanceledException"/>.</summary>
    Task<int> ExecAsync(string containerId, StepProcess process, Action<OutputLine> output, CancellationToken cancellationToken);

    /// <summary><see cref="ExecAsync"/> with the calling process's stdin, stdout and stderr (<c>exec -it</c>); with
    /// <paramref name="tty"/> the process gets a terminal of its own (OCI <c>process.terminal</c>), which runc
    /// relays to the caller's terminal: the caller must have one (runc fails with <c>open /dev/tty</c>).</summary>
    Task<int> ExecInteractiveAsync(string containerId, StepProcess process, bool tty, CancellationToken cancellationToken);

    /// <summary>Sends <paramref name="signal"/> (a Linux signal number) to the container's first process
    /// (<c>runc kill</c>). False when the container is not there or not running.</summary>
    Task<bool> KillAsync(string containerId, int signal, CancellationToken cancellationToken);

    /// <summary>What the runtime knows of a container (<c>runc state</c>); null when it knows no such container.</summary>
    Task<RuntimeContainerState?> StateAsync(string containerId, CancellationToken cancellationToken);
}

/// <summary>A container as the runtime sees it: <see cref="Status"/> is <c>created</c>, <c>running</c> or
/// <c>stopped</c> (runc's words; crun also says <c>paused</c>), <see cref="Pid"/> its first process on the host
/// (0 once stopped).</summary>
public sealed record RuntimeContainerState(string Status, int Pid);

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

    /// <summary>What the process reads on its stdin: copied in, then closed. Null closes stdin at once.</summary>
    public Stream? Stdin { get; init; }

    /// <summary>The process uses the caller's own stdin, stdout and stderr (a foreground <c>run -it</c>): the output
    /// callback gets nothing and <see cref="Stdin"/> is unused. With <see cref="StepProcess.Terminal"/> it gets a
    /// terminal of its own, relayed by runc to the caller's terminal (which must exist).</summary>
    public bool InheritStdio { get; init; }
}

/// <summary>Which of a process's output streams a line came from.</summary>
public enum OutputChannel
{
    Stdout,
    Stderr,
}

/// <summary>One line a container's process printed, without its line ending.</summary>
public readonly record struct OutputLine(OutputChannel Channel, string Text);
