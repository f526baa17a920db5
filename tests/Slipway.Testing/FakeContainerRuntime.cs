using System.Collections.Concurrent;
using Slipway.Runtime;
using Slipway.Runtime.Spec;

namespace Slipway.Testing;

/// <summary>A container runtime without containers: a run calls <paramref name="behaviour"/> with the spec and the
/// root filesystem directory, as the process would see them, and records the spec. For unit tests of steps
/// without root; the runtime contract suite holds it to what runc does.</summary>
public sealed class FakeContainerRuntime(Func<FakeProcess, CancellationToken, Task<int>> behaviour) : IContainerRuntime
{
    private readonly ConcurrentQueue<ContainerSpec> _runs = new();
    private readonly ConcurrentDictionary<string, bool> _containers = new(StringComparer.Ordinal);

    /// <summary>A runtime whose every process succeeds without doing anything.</summary>
    public FakeContainerRuntime()
        : this((_, _) => Task.FromResult(0))
    {
    }

    public string Name => "fake";

    /// <summary>The specs of every run so far, in the order they started.</summary>
    public IReadOnlyList<ContainerSpec> Runs => [.. _runs];

    public async Task<int> RunAsync(ContainerSpec spec, Action<OutputLine> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(output);
        if (!_containers.TryAdd(spec.Id, true))
        {
            throw new InvalidOperationException($"container {spec.Id} already exists");
        }

        _runs.Enqueue(spec);
        var gate = new object();
        try
        {
            // A behaviour that ignores the token is still stopped where a real runtime would kill the process.
            return await behaviour(new FakeProcess(spec, line => { lock (gate) { output(line); } }), cancellationToken)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _containers.TryRemove(spec.Id, out _);
        }
    }

    public Task<bool> DeleteAsync(string containerId, CancellationToken cancellationToken)
    {
        _containers.TryRemove(containerId, out _);
        return Task.FromResult(true);
    }

    public IReadOnlyList<string> Containers(string prefix) =>
        [.. _containers.Keys.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    public Task<int> ExecAsync(string containerId, StepProcess process, Action<OutputLine> output, CancellationToken cancellationToken) =>
        throw new NotSupportedException("exec is not written yet");

    public Task<int> ExecInteractiveAsync(string containerId, StepProcess process, bool tty, CancellationToken cancellationToken) =>
        throw new NotSupportedException("exec is not written yet");

    public Task<bool> KillAsync(string containerId, int signal, CancellationToken cancellationToken) =>
        throw new NotSupportedException("kill is not written yet");

    public Task<RuntimeContainerState?> StateAsync(string containerId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("state is not written yet");

    /// <summary>Leaves a container behind, as a killed process would (for tests of what prune reclaims).</summary>
    public void Leave(string containerId) => _containers.TryAdd(containerId, true);
}

/// <summary>What a fake container's process sees: its spec, its root filesystem and bind mounts on the host, and
/// its output streams.</summary>
public sealed class FakeProcess(ContainerSpec spec, Action<OutputLine> output)
{
    public ContainerSpec Spec { get; } = spec;

    public string Rootfs => Spec.Rootfs;

    public void Out(string line) => output(new OutputLine(OutputChannel.Stdout, line));

    public void Err(string line) => output(new OutputLine(OutputChannel.Stderr, line));

    /// <summary>The value of an environment variable of the process, or null.</summary>
    public string? Env(string name) =>
        Spec.Process.Env.Where(e => e.StartsWith(name + "=", StringComparison.Ordinal)).Select(e => e[(name.Length + 1)..]).LastOrDefault();

    /// <summary>The host path of a path in the container (relative to the working directory unless absolute): in a
    /// bind mount's source when one covers it, else in the root filesystem. Never outside either.</summary>
    public string HostPath(string path) => Resolve(path).Host;

    /// <summary>Writes a file as the process would; a read-only root filesystem refuses it.</summary>
    public void WriteFile(string path, string content)
    {
        var (host, readOnly) = Resolve(path);
        if (readOnly)
        {
            throw new IOException($"{path}: Read-only file system");
        }

        File.WriteAllText(host, content);
    }

    private (string Host, bool ReadOnly) Resolve(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var absolute = path.StartsWith('/') ? path : Spec.Process.WorkingDir.TrimEnd('/') + "/" + path;
        var parts = absolute.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Contains(".."))
        {
            throw new ArgumentException($"the fake runtime does not resolve '..': {path}", nameof(path));
        }

        var clean = "/" + string.Join('/', parts);
        foreach (var mount in Spec.Mounts.Where(m => m.Type == "bind" && m.Source is not null).OrderByDescending(m => m.Destination.Length))
        {
            if (clean == mount.Destination || clean.StartsWith(mount.Destination.TrimEnd('/') + "/", StringComparison.Ordinal))
            {
                return (Path.Join(mount.Source, clean[mount.Destination.TrimEnd('/').Length..]), mount.Options?.Contains("ro") == true);
            }
        }

        return (Path.Join(Spec.Rootfs, clean), Spec.ReadonlyRootfs);
    }
}
