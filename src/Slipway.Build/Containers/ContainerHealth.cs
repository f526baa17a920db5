using Slipway.Build.Containers.Health;
using Slipway.Runtime;
using Slipway.Runtime.Spec;

namespace Slipway.Build.Containers;

/// <summary>The container's HEALTHCHECK run while it runs (<see cref="HealthMonitor"/>): each probe is the check's
/// command exec'd in the container with the container's user, environment and working directory (<c>CMD-SHELL</c>
/// through <c>/bin/sh -c</c>), each new health recorded in state.json.</summary>
internal sealed class ContainerHealth(ContainerStore containers, IContainerRuntime runtime, ContainerRecord record, ContainerSpec spec, TimeProvider time)
{
    /// <summary>The probe's command, or null when the container has no health check (none, or <c>NONE</c>).</summary>
    public static IReadOnlyList<string>? ProbeArgs(Oci.HealthConfig? config)
    {
        var test = config?.Test ?? [];
        return test.Count switch
        {
            > 1 when test[0] == "CMD" => [.. test.Skip(1)],
            2 when test[0] == "CMD-SHELL" => ["/bin/sh", "-c", test[1]],
            _ => null,
        };
    }

    /// <summary>Probes until <paramref name="cancellationToken"/> is cancelled (the container ended); nothing to do
    /// for a container without a health check.</summary>
    public async Task RunAsync(DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        if (record.Config.Healthcheck is not { } config || !HealthSettings.HasProbe(config) || ProbeArgs(config) is not { } args)
        {
            return;
        }

        var monitor = new HealthMonitor(config, async token =>
        {
            var output = new ProbeOutput();
            var exit = await runtime.ExecAsync(spec.Id, spec.Process with { Args = args, Terminal = false }, line => output.Add(line.Text), token)
                .ConfigureAwait(false);
            return (exit, output.ToString());
        }, time, startedAt);
        try
        {
            await monitor.RunAsync(state =>
            {
                // Written in order, one at a time: the monitor waits for this before its next probe.
                containers.UpdateStateAsync(record.Id, s => s.IsRunning ? s with { Health = state } : s, CancellationToken.None).GetAwaiter().GetResult();
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The container ended.
        }
    }
}
