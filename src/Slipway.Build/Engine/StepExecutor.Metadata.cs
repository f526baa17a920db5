using System.Globalization;
using System.Text;
using Slipway.Dockerfile.Instructions;
using Slipway.Dockerfile.Syntax;
using Slipway.Oci;

namespace Slipway.Build.Engine;

public sealed partial class StepExecutor
{
    /// <summary>The instruction after expansion, as it enters the cache key and the history.</summary>
    private string Expanded(Instruction instruction, StepState state) => instruction switch
    {
        EnvInstruction env => "ENV " + string.Join(' ', env.Variables.Select(v => $"{Expand(v.Key, state)}={Expand(v.Value, state)}")),
        LabelInstruction label => "LABEL " + string.Join(' ', label.Labels.Select(v => $"{Expand(v.Key, state)}={Expand(v.Value, state)}")),
        ExposeInstruction expose => "EXPOSE " + string.Join(' ', expose.Ports.Select(p => Expand(p, state))),
        UserInstruction user => "USER " + Expand(user.User, state),
        WorkdirInstruction workdir => "WORKDIR " + Expand(workdir.Path, state),
        StopSignalInstruction signal => "STOPSIGNAL " + Expand(signal.Signal, state),
        VolumeInstruction volume => "VOLUME " + string.Join(' ', volume.Volumes.Select(v => Expand(v, state))),
        CopyInstruction copy => $"COPY {string.Join(' ', copy.Sources.SourcePaths.Select(s => Expand(s, state)))} {Expand(copy.Sources.Dest, state)}",
        AddInstruction add => AddSources.Redact($"ADD {string.Join(' ', add.Sources.SourcePaths.Select(s => Expand(s, state)))} {Expand(add.Sources.Dest, state)}"),
        RunInstruction run => "RUN " + string.Join(' ', CommandArgs(run.Command, state)),
        _ => instruction.Node.Original,
    };

    /// <summary>The argv a command runs with: exec form as written, shell form through the stage's SHELL.</summary>
    private static List<string> CommandArgs(ShellCommand command, StepState state)
    {
        if (!command.PrependShell)
        {
            return [.. command.Args];
        }

        var shell = state.Container.Shell is { Count: > 0 } s ? s : ["/bin/sh", "-c"];
        return [.. shell, WithHeredocs(string.Join(' ', command.Args), command.Files)];
    }

    /// <summary>The shell script of a RUN with heredocs, as BuildKit makes it: a command that is only one heredoc
    /// runs the heredoc as the script; otherwise the bodies follow the command line so the shell feeds them in.</summary>
    private static string WithHeredocs(string script, IReadOnlyList<Heredoc> files)
    {
        if (files.Count == 0)
        {
            return script;
        }

        if (files.Count == 1 && HeredocWords.ParseOpener(script.Trim(), out _) is not null)
        {
            var body = files[0].ChompedContent;
            return body.StartsWith("#!", StringComparison.Ordinal)
                ? throw new BuildException($"RUN <<{files[0].Name}: a heredoc script with a #! interpreter line is not supported yet")
                : body;
        }

        var text = new StringBuilder(script);
        foreach (var file in files)
        {
            text.Append('\n').Append(file.Content);
            if (!file.Content.EndsWith('\n'))
            {
                text.Append('\n');
            }

            text.Append(file.Name);
        }

        return text.ToString();
    }

    private StepState Metadata(Instruction instruction, StepState state)
    {
        var createdBy = Expanded(instruction, state);
        return instruction switch
        {
            ArgInstruction arg => state with { Args = WithArgs(arg, state) },
            EnvInstruction env => Env(env, state, createdBy),
            LabelInstruction label => state.WithContainer(c => c with
            {
                Labels = new Dictionary<string, string>(
                    (c.Labels ?? new Dictionary<string, string>()).Concat(label.Labels.Select(l => KeyValuePair.Create(Expand(l.Key, state), Expand(l.Value, state))))
                    .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value), StringComparer.Ordinal),
            }, createdBy, _created),
            ExposeInstruction expose => state.WithContainer(c => c with
            {
                ExposedPorts = [.. (c.ExposedPorts ?? []).Concat(expose.Ports.SelectMany(p => Ports(Expand(p, state)))).Distinct().Order(StringComparer.Ordinal)],
            }, createdBy, _created),
            UserInstruction user => state.WithContainer(c => c with { User = Expand(user.User, state) }, createdBy, _created),
            StopSignalInstruction signal => state.WithContainer(c => c with { StopSignal = Expand(signal.Signal, state) }, createdBy, _created),
            VolumeInstruction volume => state.WithContainer(c => c with
            {
                Volumes = [.. (c.Volumes ?? []).Concat(volume.Volumes.Select(v => Expand(v, state))).Distinct()],
            }, createdBy, _created),
            CmdInstruction cmd => state.WithContainer(c => c with { Cmd = CommandArgs(cmd.Command, state), ArgsEscaped = null }, createdBy, _created) with { CmdSet = true },
            EntrypointInstruction entrypoint => state.WithContainer(c => c with
            {
                Entrypoint = CommandArgs(entrypoint.Command, state),
                Cmd = state.CmdSet ? c.Cmd : null,
            }, createdBy, _created),
            ShellInstruction shell => state.WithContainer(c => c with { Shell = [.. shell.Shell] }, createdBy, _created),
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
            }, createdBy, _created),
            OnbuildInstruction onbuild => state.WithContainer(c => c with { OnBuild = [.. c.OnBuild ?? [], onbuild.Expression] }, createdBy, _created),
            MaintainerInstruction maintainer => state with
            {
                Config = state.WithContainer(c => c, createdBy, _created).Config with { Author = maintainer.Maintainer },
            },
            _ => throw new BuildException($"{instruction.Span.File}:{instruction.Span.StartLine}: {instruction.GetType().Name} is not supported yet"),
        };
    }

    /// <summary>The ARGs in scope after an ARG line: build-time state that no cache key carries, so a cached step
    /// gets it from this build's inputs, never from its record.</summary>
    private Dictionary<string, string?> WithArgs(ArgInstruction arg, StepState state) =>
        new(state.Args.Concat(ResolveArgs(arg, state).Select(a => KeyValuePair.Create(a.Name, a.Value)))
            .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value), StringComparer.Ordinal);

    private StepState Env(EnvInstruction env, StepState state, string createdBy)
    {
        var current = state;
        foreach (var variable in env.Variables)
        {
            // Every pair expands against the environment before the line, as in BuildKit: in
            // `ENV abc=bye def=$abc` def gets the old abc (the Dockerfile reference's own example).
            var name = Expand(variable.Key, state);
            var value = Expand(variable.Value, state);
            current = current with { Config = current.Config with { Config = current.Container with { Env = StepState.SetEnv(current.Env, name, value) } } };
        }

        return state.WithContainer(_ => current.Container, createdBy, _created);
    }

    private static TimeSpan? NonZero(TimeSpan value) => value == TimeSpan.Zero ? null : value;

    /// <summary><c>80</c> → <c>80/tcp</c>; <c>8000-8002/udp</c> → each port of the range.</summary>
    private static IEnumerable<string> Ports(string spec)
    {
        var slash = spec.IndexOf('/', StringComparison.Ordinal);
        var (ports, protocol) = slash < 0 ? (spec, "tcp") : (spec[..slash], spec[(slash + 1)..].ToLowerInvariant());
        var dash = ports.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0 && int.TryParse(ports[..dash], CultureInfo.InvariantCulture, out var low)
            && int.TryParse(ports[(dash + 1)..], CultureInfo.InvariantCulture, out var high) && high >= low && high - low < 65536)
        {
            return Enumerable.Range(low, high - low + 1).Select(p => $"{p}/{protocol}");
        }

        return [$"{ports}/{protocol}"];
    }
}
