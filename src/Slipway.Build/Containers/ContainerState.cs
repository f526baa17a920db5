using Slipway.Build.Containers.Health;

namespace Slipway.Build.Containers;

/// <summary>Where a container is in its life: <c>containers/&lt;id&gt;/state.json</c>, rewritten atomically (under the
/// store lock) by its supervisor and by the commands that stop or remove it. Names are docker inspect's State.</summary>
public sealed record ContainerState
{
    public const string Created = "created";
    public const string Running = "running";
    public const string Exited = "exited";
    public const string Dead = "dead";

    /// <summary><c>created</c>, <c>running</c>, <c>exited</c> or <c>dead</c>.</summary>
    public string Status { get; init; } = Created;

    /// <summary>The container's first process on the host, 0 when it is not running.</summary>
    public int Pid { get; init; }

    /// <summary>The process that owns the container (<c>slipway run</c> itself in the foreground, the detached
    /// supervisor otherwise); 0 before it starts.</summary>
    public int SupervisorPid { get; init; }

    /// <summary>The OCI runtime's id of the container (<c>slipway-&lt;workspace&gt;</c>), set when it is started; it
    /// names the workspace (rootfs mount, bundle) and the network namespace too.</summary>
    public string? RuntimeId { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public int ExitCode { get; init; }

    /// <summary>Why the container could not start or what went wrong with it; empty when nothing did.</summary>
    public string Error { get; init; } = "";

    /// <summary>docker's field; Slipway sets no memory limit, so never true.</summary>
    public bool OOMKilled { get; init; }

    /// <summary>The health check's state while the image (or <c>run</c>) has one; null otherwise.</summary>
    public HealthState? Health { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsRunning => Status == Running;

    /// <summary>The state as it really is when its owner may be gone: a container recorded as running whose
    /// supervisor is dead (killed with <c>kill -9</c>, the machine rebooted) is <c>dead</c>, with the reason as its
    /// error; nothing records its end any more.</summary>
    public ContainerState Observed(bool supervisorAlive) =>
        Status == Running && !supervisorAlive
            ? this with { Status = Dead, Error = string.IsNullOrEmpty(Error) ? SupervisorGone : Error }
            : this;

    /// <summary>The error of a container whose supervisor died before it.</summary>
    public const string SupervisorGone = "the container's supervisor exited unexpectedly; its end was not recorded";
}
