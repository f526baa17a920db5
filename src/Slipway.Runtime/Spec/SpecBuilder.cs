using Slipway.Oci;

namespace Slipway.Runtime.Spec;

/// <summary>What a build step asks of its container.</summary>
public sealed record StepProcess
{
    public required IReadOnlyList<string> Args { get; init; }

    public IReadOnlyList<string> Env { get; init; } = [];

    public string WorkingDir { get; init; } = "/";

    public uint Uid { get; init; }

    public uint Gid { get; init; }

    public IReadOnlyList<uint> AdditionalGids { get; init; } = [];

    public NetworkMode Network { get; init; } = NetworkMode.Default;

    /// <summary>For <see cref="NetworkMode.Default"/>: the network namespace to join (made and connected by
    /// <see cref="Slipway.Runtime.Network.PastaNetwork"/>).</summary>
    public string? NetworkNamespace { get; init; }

    /// <summary><c>RUN --security=insecure</c>: all capabilities, nothing masked, no seccomp filter.</summary>
    public bool Insecure { get; init; }

    public string Hostname { get; init; } = "buildkitsandbox";

    /// <summary><c>--shm-size</c>, <c>--ulimit</c> and <c>--cgroup-parent</c>.</summary>
    public StepLimits Limits { get; init; } = StepLimits.None;

    /// <summary>OCI <c>process.terminal</c>: the process gets a pseudo-terminal. Only with the caller's stdio
    /// (<see cref="ContainerSpec.InheritStdio"/>, <see cref="IContainerRuntime.ExecInteractiveAsync"/>).</summary>
    public bool Terminal { get; init; }
}

/// <summary>Builds config.json the way Docker's defaults are (moby's oci/defaults.go): Docker's default
/// capabilities, Docker's default seccomp allowlist (Seccomp/default-profile.json), no-new-privileges, masked and read-only /proc paths, fresh /proc, /dev, /dev/pts, /dev/shm,
/// /dev/mqueue and a read-only /sys.</summary>
public static class SpecBuilder
{
    public static readonly IReadOnlyList<string> DefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
        "CAP_AUDIT_WRITE",
    ];

    public static readonly IReadOnlyList<string> MaskedPaths =
    [
        "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
    ];

    public static readonly IReadOnlyList<string> ReadonlyPaths =
    [
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
    ];

    /// <summary>The spec for <paramref name="step"/>; <paramref name="containerId"/> names its cgroup under a
    /// <see cref="StepLimits.CgroupParent"/>.</summary>
    public static RuntimeSpec Build(StepProcess step, string rootfs, IEnumerable<MountSpec>? extraMounts = null, string containerId = "")
    {
        ArgumentNullException.ThrowIfNull(step);
        var caps = step.Insecure ? AllCapabilities() : [.. DefaultCapabilities];
        var spec = new RuntimeSpec
        {
            Hostname = step.Hostname,
            Root = new RootSpec { Path = rootfs, Readonly = false },
            Process = Process(step, caps),
            Mounts = DefaultMounts(step.Limits.ShmSize),
            Linux = new LinuxSpec
            {
                Namespaces = Namespaces(step.Network, step.NetworkNamespace),
                MaskedPaths = step.Insecure ? null : [.. MaskedPaths],
                ReadonlyPaths = step.Insecure ? null : [.. ReadonlyPaths],
                CgroupsPath = step.Limits.CgroupsPath(containerId),
                Seccomp = step.Insecure ? null : Seccomp.SeccompProfile.Default.Resolve(Platform.Host.Architecture, caps, KernelVersion()),
            },
        };
        if (extraMounts is not null)
        {
            spec.Mounts.AddRange(extraMounts);
        }

        return spec;
    }

    /// <summary>The process part of the spec for <paramref name="step"/>: also what <c>runc exec --process</c> is
    /// given, so an exec'd process has the same capabilities, limits and no-new-privileges as the container's
    /// first one (runc takes the whole process from that file; seccomp and namespaces stay the container's).</summary>
    public static ProcessSpec Process(StepProcess step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return Process(step, step.Insecure ? AllCapabilities() : [.. DefaultCapabilities]);
    }

    private static ProcessSpec Process(StepProcess step, List<string> caps) => new()
    {
        Terminal = step.Terminal,
        Args = [.. step.Args],
        Env = [.. step.Env],
        Cwd = step.WorkingDir,
        User = new UserSpec
        {
            Uid = step.Uid,
            Gid = step.Gid,
            AdditionalGids = step.AdditionalGids.Count > 0 ? [.. step.AdditionalGids] : null,
        },
        Capabilities = new CapabilitiesSpec { Bounding = caps, Effective = [.. caps], Permitted = [.. caps] },
        Rlimits = step.Limits.Ulimits.Count == 0 ? null
            : [.. step.Limits.Ulimits.Select(u => new RlimitSpec { Type = u.SpecType, Soft = unchecked((ulong)u.Soft), Hard = unchecked((ulong)u.Hard) })],
        NoNewPrivileges = !step.Insecure,
    };

    /// <summary>The running kernel's version (Environment.OSVersion is the kernel's on Linux).</summary>
    private static Version KernelVersion() => Environment.OSVersion.Version;

    private static List<NamespaceSpec> Namespaces(NetworkMode network, string? networkNamespace)
    {
        var list = new List<NamespaceSpec>
        {
            new() { Type = "pid" },
            new() { Type = "ipc" },
            new() { Type = "uts" },
            new() { Type = "mount" },
        };
        if (network != NetworkMode.Host)
        {
            list.Add(new NamespaceSpec { Type = "network", Path = network == NetworkMode.Default ? networkNamespace : null });
        }

        return list;
    }

    /// <summary>Docker's mounts; <paramref name="shmSize"/> bytes of <c>/dev/shm</c> instead of 64 MiB when set.</summary>
    private static List<MountSpec> DefaultMounts(long shmSize) =>
    [
        new() { Destination = "/proc", Type = "proc", Source = "proc", Options = ["nosuid", "noexec", "nodev"] },
        new()
        {
            Destination = "/dev", Type = "tmpfs", Source = "tmpfs",
            Options = ["nosuid", "strictatime", "mode=755", "size=65536k"],
        },
        new()
        {
            Destination = "/dev/pts", Type = "devpts", Source = "devpts",
            Options = ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
        },
        new()
        {
            Destination = "/dev/shm", Type = "tmpfs", Source = "shm",
            Options = ["nosuid", "noexec", "nodev", "mode=1777", shmSize > 0 ? "size=" + shmSize.ToString(System.Globalization.CultureInfo.InvariantCulture) : "size=65536k"],
        },
        new() { Destination = "/dev/mqueue", Type = "mqueue", Source = "mqueue", Options = ["nosuid", "noexec", "nodev"] },
        new() { Destination = "/sys", Type = "sysfs", Source = "sysfs", Options = ["nosuid", "noexec", "nodev", "ro"] },
    ];

    /// <summary>Capability names by bit number (linux/capability.h).</summary>
    private static readonly string[] CapabilityBits =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
        "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
        "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
        "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
        "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    /// <summary>Every capability Slipway itself holds in its bounding set: an insecure step cannot be given more
    /// (runc fails with "unable to apply caps" when Slipway runs in a container without, say, CAP_SYS_RESOURCE).</summary>
    private static List<string> AllCapabilities() => CapabilitiesInMask(BoundingMask());

    internal static List<string> CapabilitiesInMask(ulong mask) =>
        [.. CapabilityBits.Where((_, bit) => (mask & (1ul << bit)) != 0)];

    private static ulong BoundingMask()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("CapBnd:", StringComparison.Ordinal))
                {
                    return ulong.Parse(line.AsSpan(7).Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return ulong.MaxValue;
    }
}
