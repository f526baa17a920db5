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
    private readonly ConcurrentQueue<(string ContainerId, StepProcess Process)> _execs = new();
    private readonly ConcurrentDictionary<string, Container> _containers = new(StringComparer.Ordinal);
    private int _nextPid = 1000;

    /// <summary>A runtime whose every process succeeds without doing anything.</summary>
    public FakeContainerRuntime()
        : this((_, _) => Task.FromResult(0))
    {
    }

    public string Name => "fake";

    /// <summary>The specs of every run so far, in the order they started.</summary>
    public IReadOnlyList<ContainerSpec> Runs => [.. _runs];

    /// <summary>Every exec so far: the container and the process, in the order they started.</summary>
    public IReadOnlyList<(string ContainerId, StepProcess Process)> Execs => [.. _execs];

    /// <summary>The signals each container was sent, in order.</summary>
    public IReadOnlyList<int> Signals(string containerId) =>
        _containers.TryGetValue(containerId, out var container) ? [.. container.Signals] : [];

    public async Task<int> RunAsync(ContainerSpec spec, Action<OutputLine> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(output);
        var container = new Container(spec, Interlocked.Increment(ref _nextPid));
        if (!_containers.TryAdd(spec.Id, container))
        {
            throw new InvalidOperationException($"container {spec.Id} already exists");
        }

        _runs.Enqueue(spec);
        var gate = new object();
        // With the caller's stdio the output is the caller's terminal's, not the callback's.
        Action<OutputLine> deliver = spec.InheritStdio ? _ => { } : line => { lock (gate) { output(line); } };
        using var killed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, container.Killed.Token);
        try
        {
            // A behaviour that ignores the token is still stopped where a real runtime would kill the process.
            return await behaviour(new FakeProcess(spec, deliver), killed.Token).WaitAsync(killed.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && container.Killed.IsCancellationRequested)
        {
            // Killed by a signal: runc reports 128 + its number.
            return 128 + container.Signals[^1];
        }
        finally
        {
            _containers.TryRemove(spec.Id, out _);
        }
    }

    public Task<bool> DeleteAsync(string containerId, CancellationToken cancellationToken)
    {
        if (_containers.TryRemove(containerId, out var container))
        {
            container.Kill(9);
        }

        return Task.FromResult(true);
    }

    public IReadOnlyList<string> Containers(string prefix) =>
        [.. _containers.Keys.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    /// <summary>Runs the behaviour with the container's spec and <paramref name="process"/> in place of its first
    /// process; cancelling stops only this call. Killing the container stops it too.</summary>
    public async Task<int> ExecAsync(string containerId, StepProcess process, Action<OutputLine> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(output);
        if (!_containers.TryGetValue(containerId, out var container) || container.Killed.IsCancellationRequested)
        {
            throw new InvalidOperationException($"container {containerId} is not running");
        }

        _execs.Enqueue((containerId, process));
        var gate = new object();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, container.Killed.Token);
        var spec = container.Spec with { Process = process, Stdin = null, InheritStdio = false };
        try
        {
            return await behaviour(new FakeProcess(spec, line => { lock (gate) { output(line); } }), stop.Token)
                .WaitAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return 137;
        }
    }

    /// <summary><see cref="ExecAsync"/> whose output goes nowhere (it would be the caller's terminal).</summary>
    public Task<int> ExecInteractiveAsync(string containerId, StepProcess process, bool tty, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(process);
        return ExecAsync(containerId, process with { Terminal = tty }, _ => { }, cancellationToken);
    }

    /// <summary>Records the signal; any but 0 ends the container's process (the fake's processes handle none).</summary>
    public Task<bool> KillAsync(string containerId, int signal, CancellationToken cancellationToken)
    {
        if (!_containers.TryGetValue(containerId, out var container) || container.Killed.IsCancellationRequested)
        {
            return Task.FromResult(false);
        }

        container.Kill(signal);
        return Task.FromResult(true);
    }

    public Task<RuntimeContainerState?> StateAsync(string containerId, CancellationToken cancellationToken) =>
        Task.FromResult(_containers.TryGetValue(containerId, out var container)
            ? new RuntimeContainerState(container.Killed.IsCancellationRequested ? "stopped" : "running", container.Killed.IsCancellationRequested ? 0 : container.Pid)
            : null);

    /// <summary>Leaves a container behind, as a killed process would (for tests of what prune reclaims).</summary>
    public void Leave(string containerId)
    {
        var container = new Container(new ContainerSpec { Id = containerId, Rootfs = "", BundleDir = "", Process = new StepProcess { Args = [] } }, 0);
        container.Kill(9);
        _containers.TryAdd(containerId, container);
    }

    private sealed class Container(ContainerSpec spec, int pid)
    {
        public ContainerSpec Spec { get; } = spec;

        public int Pid { get; } = pid;

        public CancellationTokenSource Killed { get; } = new();

        public List<int> Signals { get; } = [];

        public void Kill(int signal)
        {
            lock (Signals)
            {
                Signals.Add(signal);
            }

            if (signal != 0)
            {
                Killed.Cancel();
            }
        }
    }
}

/// <summary>What a fake container's process sees: its spec, its root filesystem and bind mounts on the host, and
/// its output streams.</summary>
public sealed class FakeProcess(ContainerSpec spec, Action<OutputLine> output)
{
    public ContainerSpec Spec { get; } = spec;

    public string Rootfs => Spec.Rootfs;

    /// <summary>What the process reads on stdin (<see cref="ContainerSpec.Stdin"/>); null when it is closed.</summary>
    public Stream? Stdin => Spec.InheritStdio ? null : Spec.Stdin;

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
