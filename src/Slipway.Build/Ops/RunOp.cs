using Slipway.Build.Engine;
using Slipway.Dockerfile.Instructions;
using Slipway.Runtime;
using Slipway.Runtime.Network;
using Slipway.Runtime.Spec;
using Slipway.Solver;
using Slipway.Store.Layers;
using RuntimeNetwork = Slipway.Runtime.Spec.NetworkMode;

namespace Slipway.Build.Ops;

/// <summary>RUN: the command in a container on the stage's snapshots, with its <c>--mount</c>s, its network and the
/// stage's ENV and ARGs as environment; what it changed becomes a layer. It sees every ARG in scope and the whole
/// ENV, so all of them key it, and so do its flags, the layers of a stage it mounts and the context files a bind
/// mount shows (secrets never do).</summary>
public sealed class RunOp(StepVertex step, RunInstruction run, StepServices services, StepLayers layers, RunMounts mounts, ContainerRuns containers,
    ContextFiles context) : InstructionOp<RunInstruction>(step, run, services)
{
    private const int OutputLinesKept = 10;

    /// <summary>BuildKit's: what <c>hostname</c> says in a RUN, and a name /etc/hosts resolves.</summary>
    private const string Hostname = "buildkitsandbox";

    protected override bool KeysEveryVariable => true;

    protected override string Expanded(Expansion expand)
    {
        ArgumentNullException.ThrowIfNull(expand);
        return "RUN " + string.Join(' ', ShellCommands.Args(Instruction.Command, expand.State));
    }

    protected override Task AddOwnFactsAsync(StepInputs facts, IReadOnlyList<StepState> inputs, Expansion expand, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(expand);
        var state = inputs[0];
        facts.AddFlag("--mount", string.Join(' ', Instruction.Mounts));
        facts.AddFlag("--network", Network.ToString());
        facts.AddFlag("--security", Instruction.Security.ToString());
        // The build's RUN settings key every RUN as BuildKit's exec op carries them; unset, they add nothing, so the
        // keys of builds without them stay as they were.
        facts.AddFlag("--add-host", string.Join(',', Options.AddHosts.Select(h => $"{h.Host}={h.Address}")));
        facts.AddFlag("--ulimit", string.Join(',', Options.Limits.Ulimits));
        facts.AddFlag("--shm-size", Options.Limits.ShmSize > 0 ? Options.Limits.ShmSize.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
        facts.AddFlag("--cgroup-parent", Options.Limits.CgroupParent);
        if (ShellCommands.Script(Instruction.Command) is { } script)
        {
            // The argv names only the script's path: its body is what the step runs.
            facts.Add("script:" + script.Name, script.ChompedContent);
        }

        foreach (var env in ArgEnv(state))
        {
            var eq = env.IndexOf('=', StringComparison.Ordinal);
            facts.Add("arg:" + env[..eq], env[(eq + 1)..]);
        }

        foreach (var env in state.Env)
        {
            var eq = env.IndexOf('=', StringComparison.Ordinal);
            facts.Add("env:" + (eq < 0 ? env : env[..eq]), eq < 0 ? "" : env[(eq + 1)..]);
        }

        // The planner adds one input per mount from a stage, after the previous step, in mount order.
        var stageInputs = 1;
        foreach (var mount in Instruction.Mounts.Where(m => m.From is { } f && Services.IsStage(f) && stageInputs < inputs.Count))
        {
            facts.Add("stage:" + mount.From, LayersDigest(inputs[stageInputs++]));
        }

        foreach (var mount in Instruction.Mounts.Where(m => m.Type == MountType.Bind && m.From is null))
        {
            var source = context.Source();
            FileCopier.Fingerprint(source, source.Expand(expand.Word(mount.Source ?? "/")), facts);
        }

        return Task.CompletedTask;
    }

    /// <summary>The RUN's network: its own <c>--network</c>, else the build's.</summary>
    private Dockerfile.Instructions.NetworkMode Network =>
        Instruction.Network == Dockerfile.Instructions.NetworkMode.Default ? Options.Network : Instruction.Network;

    public override async ValueTask<StepState> ExecAsync(IReadOnlyList<StepState> inputs, CacheMap cacheMap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var state = inputs[0];
        var args = ShellCommands.Args(Instruction.Command, state);
        using var workspace = layers.CreateWorkspace();
        var tail = new Queue<string>();
        int exit;
        // Held until the end: the snapshot outlives its commit.
        using var mounted = await layers.PrepareAsync(state.Layers, workspace, cancellationToken).ConfigureAwait(false);
        {
            var rootfs = mounted.Path;
            var identity = Users.Resolve(state.Container.User, rootfs);
            var workingDir = string.IsNullOrEmpty(state.Container.WorkingDir) ? "/" : state.Container.WorkingDir;
            var prepared = await mounts.PrepareAsync(Instruction, Step.Stage, inputs, workspace, workingDir, cancellationToken).ConfigureAwait(false);
            var stubs = MountStubs.Find(rootfs, ["/proc", "/dev", "/sys", "/etc/resolv.conf", "/etc/hosts", .. prepared.Targets]);
            File.WriteAllText(Path.Join(workspace.Bundle, "hosts"), HostEntry.HostsFile(Hostname, Options.AddHosts));
            var networkMode = Network;
            using var network = networkMode == Dockerfile.Instructions.NetworkMode.Default
                ? await containers.StartNetworkAsync(Step, workspace.ContainerId, cancellationToken).ConfigureAwait(false)
                : null;
            var resolvConf = "/etc/resolv.conf";
            if (network is not null)
            {
                resolvConf = Path.Join(workspace.Bundle, "resolv.conf");
                File.WriteAllText(resolvConf, PastaNetwork.ResolvConf(File.Exists("/etc/resolv.conf") ? File.ReadAllText("/etc/resolv.conf") : ""));
            }

            var spec = new ContainerSpec
            {
                Id = workspace.ContainerId,
                Rootfs = rootfs,
                BundleDir = workspace.Bundle,
                Process = new StepProcess
                {
                    Args = args,
                    Env = [.. state.Env, .. ArgEnv(state), .. prepared.Env],
                    WorkingDir = workingDir,
                    Uid = identity.Uid,
                    Gid = identity.Gid,
                    Network = networkMode switch
                    {
                        Dockerfile.Instructions.NetworkMode.None => RuntimeNetwork.None,
                        Dockerfile.Instructions.NetworkMode.Host => RuntimeNetwork.Host,
                        _ => RuntimeNetwork.Default,
                    },
                    NetworkNamespace = network?.NamespacePath,
                    Insecure = Instruction.Security == SecurityMode.Insecure,
                    Hostname = Hostname,
                    Limits = Options.Limits,
                },
                Mounts =
                [
                    new MountSpec { Destination = "/etc/resolv.conf", Type = "bind", Source = resolvConf, Options = ["rbind", "ro"] },
                    new MountSpec { Destination = "/etc/hosts", Type = "bind", Source = Path.Join(workspace.Bundle, "hosts"), Options = ["rbind", "ro"] },
                    .. prepared.Mounts,
                    .. ScriptMount(workspace),
                ],
            };
            exit = await containers.RunAsync(spec, line =>
            {
                Services.Progress.OnOutput(Step, line);
                tail.Enqueue(line);
                if (tail.Count > OutputLinesKept)
                {
                    tail.Dequeue();
                }
            }, cancellationToken).ConfigureAwait(false);
            // The stubs did not exist before the step, so removing them leaves no whiteout.
            MountStubs.Remove(rootfs, stubs);
        }

        if (exit != 0)
        {
            var command = Instruction.Command.PrependShell ? string.Join(' ', args) : "[" + string.Join(", ", args.Select(a => $"\"{a}\"")) + "]";
            throw new RunFailedException(Step.Name, command, exit, [.. tail], Instruction.Span);
        }

        var layer = await layers.CommitAsync(mounted, cancellationToken).ConfigureAwait(false);
        return state.WithLayer(layer, $"RUN {string.Join(' ', args)} # buildkit", Services.Created);
    }

    /// <summary>A <c>#!</c> heredoc as BuildKit runs it: a file of mode 0755 in a read-only /dev/pipes.</summary>
    private List<MountSpec> ScriptMount(Workspace workspace)
    {
        if (ShellCommands.Script(Instruction.Command) is not { } script)
        {
            return [];
        }

        var dir = Directory.CreateDirectory(Path.Join(workspace.Bundle, "pipes")).FullName;
        var file = Path.Join(dir, script.Name);
        File.WriteAllText(file, script.ChompedContent);
        File.SetUnixFileMode(file, (UnixFileMode)0x1ED); // 0755
        return [new MountSpec { Destination = ShellCommands.ScriptsDir, Type = "bind", Source = dir, Options = ["rbind", "ro"] }];
    }

    /// <summary>ARGs become environment variables of RUN steps only, and only where ENV does not set the name.</summary>
    private static List<string> ArgEnv(StepState state)
    {
        var env = new List<string>();
        foreach (var (name, value) in state.Args.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (value is not null && !state.Env.Any(e => e.StartsWith(name + "=", StringComparison.Ordinal)))
            {
                env.Add(name + "=" + value);
            }
        }

        return env;
    }
}
