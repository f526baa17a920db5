using Slipway.Build.Engine;
using Slipway.Dockerfile.Instructions;
using Slipway.Oci;
using Slipway.Solver;

namespace Slipway.Build.Ops;

/// <summary>The instructions that change only the image config: ENV, LABEL, EXPOSE, USER, STOPSIGNAL, VOLUME, CMD,
/// ENTRYPOINT, SHELL, HEALTHCHECK, ONBUILD and MAINTAINER. Each adds an empty-layer history entry saying what it
/// did, after expansion (HEALTHCHECK and ONBUILD are not expanded, as in BuildKit: their text is their identity).</summary>
public sealed class MetadataOp(StepVertex step, Instruction instruction, StepServices services)
    : InstructionOp<Instruction>(step, instruction, services)
{
    protected override string Expanded(Expansion expand) => Instruction switch
    {
        EnvInstruction env => "ENV " + string.Join(' ', env.Variables.Select(v => $"{expand.Word(v.Key)}={expand.Word(v.Value)}")),
        LabelInstruction label => "LABEL " + string.Join(' ', label.Labels.Select(v => $"{expand.Word(v.Key)}={expand.Word(v.Value)}")),
        ExposeInstruction expose => "EXPOSE " + string.Join(' ', expose.Ports.SelectMany(expand.Words)),
        UserInstruction user => "USER " + expand.Word(user.User),
        StopSignalInstruction signal => "STOPSIGNAL " + expand.Word(signal.Signal),
        VolumeInstruction volume => "VOLUME " + string.Join(' ', volume.Volumes.Select(expand.Word)),
        _ => Instruction.Node.Original,
    };

    protected override Task AddOwnFactsAsync(StepInputs facts, IReadOnlyList<StepState> inputs, Expansion expand, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(expand);
        if (Instruction is EnvInstruction env)
        {
            foreach (var variable in env.Variables)
            {
                facts.Add("sets:" + expand.Word(variable.Key), expand.Word(variable.Value));
            }
        }

        return Task.CompletedTask;
    }

    public override ValueTask<StepState> ExecAsync(IReadOnlyList<StepState> inputs, CacheMap cacheMap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var state = inputs[0];
        var expand = Services.Expand(state);
        var created = Services.Created;
        var createdBy = Expanded(expand);
        return ValueTask.FromResult(Instruction switch
        {
            EnvInstruction env => Env(env, state, expand, createdBy),
            LabelInstruction label => state.WithContainer(c => c with
            {
                Labels = new Dictionary<string, string>(
                    (c.Labels ?? new Dictionary<string, string>()).Concat(label.Labels.Select(l => KeyValuePair.Create(expand.Word(l.Key), expand.Word(l.Value))))
                    .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value), StringComparer.Ordinal),
            }, createdBy, created),
            ExposeInstruction expose => state.WithContainer(c => c with
            {
                ExposedPorts = [.. (c.ExposedPorts ?? []).Concat(Ports(expose, expand)).Distinct().Order(StringComparer.Ordinal)],
            }, createdBy, created),
            UserInstruction user => state.WithContainer(c => c with { User = expand.Word(user.User) }, createdBy, created),
            StopSignalInstruction signal => state.WithContainer(c => c with { StopSignal = Signal(signal, expand) }, createdBy, created),
            VolumeInstruction volume => state.WithContainer(c => c with
            {
                Volumes = [.. (c.Volumes ?? []).Concat(Volumes(volume, expand)).Distinct()],
            }, createdBy, created),
            CmdInstruction cmd => state.WithContainer(c => c with { Cmd = ShellCommands.Args(cmd.Command, state), ArgsEscaped = null }, createdBy, created) with { CmdSet = true },
            EntrypointInstruction entrypoint => state.WithContainer(c => c with
            {
                Entrypoint = ShellCommands.Args(entrypoint.Command, state),
                Cmd = state.CmdSet ? c.Cmd : null,
            }, createdBy, created),
            ShellInstruction shell => state.WithContainer(c => c with { Shell = [.. shell.Shell] }, createdBy, created),
            HealthcheckInstruction health => state.WithContainer(c => c with
            {
                Healthcheck = new HealthConfig
                {
                    Test = [.. health.Test],
                    Interval = NonZero(health.Interval),
                    Timeout = NonZero(health.Timeout),
                    StartPeriod = NonZero(health.StartPeriod),
                    StartInterval = NonZero(health.StartInterval),
                    Retries = health.Retries == 0 ? null : health.Retries,
                },
            }, createdBy, created),
            OnbuildInstruction onbuild => state.WithContainer(c => c with { OnBuild = [.. c.OnBuild ?? [], onbuild.Expression] }, createdBy, created),
            MaintainerInstruction maintainer => state with
            {
                Config = state.WithContainer(c => c, createdBy, created).Config with { Author = maintainer.Maintainer },
            },
            var other => throw new BuildException($"{other.Span.File}:{other.Span.StartLine}: {other.GetType().Name} is not supported yet"),
        });
    }

    /// <summary>CMD sets CmdSet whatever the record says; the rest keep this build's.</summary>
    public override StepState Revive(StepState cached, IReadOnlyList<StepState> inputs)
    {
        var revived = base.Revive(cached, inputs);
        return Instruction is CmdInstruction ? revived with { CmdSet = true } : revived;
    }

    private StepState Env(EnvInstruction env, StepState state, Expansion expand, string createdBy)
    {
        var current = state;
        foreach (var variable in env.Variables)
        {
            // Every pair expands against the environment before the line, as in BuildKit: in
            // `ENV abc=bye def=$abc` def gets the old abc (the Dockerfile reference's own example).
            var name = expand.Word(variable.Key);
            var value = expand.Word(variable.Value);
            current = current with { Config = current.Config with { Config = current.Container with { Env = StepState.SetEnv(current.Env, name, value) } } };
        }

        return state.WithContainer(_ => current.Container, createdBy, Services.Created);
    }

    private static TimeSpan? NonZero(TimeSpan value) => value == TimeSpan.Zero ? null : value;

    /// <summary>EXPOSE's words after expansion and word splitting (<c>ARG PORTS="80 443"</c> gives two), each read
    /// as BuildKit reads a port spec; a bad one fails the build at this instruction with BuildKit's message.</summary>
    private IReadOnlyList<string> Ports(ExposeInstruction expose, Expansion expand) =>
        ExposedPorts.Parse(expose.Ports.SelectMany(expand.Words), out var error) ?? throw Services.Error(expose, error!);

    /// <summary>STOPSIGNAL after expansion, checked as BuildKit checks it and kept as written.</summary>
    private string Signal(StopSignalInstruction signal, Expansion expand)
    {
        var value = expand.Word(signal.Signal);
        return StopSignals.Check(value) is { } error ? throw Services.Error(signal, error) : value;
    }

    /// <summary>VOLUME after expansion; a path that expands to nothing is BuildKit's error.</summary>
    private List<string> Volumes(VolumeInstruction volume, Expansion expand)
    {
        var paths = volume.Volumes.Select(expand.Word).ToList();
        return paths.Contains("") ? throw Services.Error(volume, "VOLUME specified can not be an empty string") : paths;
    }
}
