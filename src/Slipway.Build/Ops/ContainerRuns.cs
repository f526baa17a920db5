using Slipway.Build.Engine;
using Slipway.Runtime;
using Slipway.Runtime.Network;
using Slipway.Store;

namespace Slipway.Build.Ops;

/// <summary>How RUN reaches a container: the build's container runtime (<see cref="IContainerRuntime"/>) and RUN's
/// own network namespace, connected outward by pasta (its state under <see cref="StoreLayout.NetworkState"/>).</summary>
public sealed class ContainerRuns(StoreLayout layout, BuildOptions options, IContainerRuntime runtime)
{
    /// <summary>Runs the container to its end; the process's exit code.</summary>
    public Task<int> RunAsync(ContainerSpec spec, Action<string> onOutput, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onOutput);
        return runtime.RunAsync(spec, line => onOutput(line.Text), cancellationToken);
    }

    /// <summary>RUN's default network: a namespace of its own that pasta connects outward.</summary>
    public async Task<PastaNetwork> StartNetworkAsync(StepVertex step, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (options.NetworkTools is not { } tools)
        {
            throw new BuildException($"{step.Name}: {NetworkTools.Missing}");
        }

        try
        {
            return await PastaNetwork.StartAsync(tools, layout.NetworkState, name, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new BuildException($"{step.Name}: cannot set up RUN's network: {ex.Message}", ex);
        }
    }
}
