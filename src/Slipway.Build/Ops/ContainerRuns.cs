using Slipway.Build.Engine;
using Slipway.Runtime;
using Slipway.Runtime.Network;
using Slipway.Runtime.Spec;

namespace Slipway.Build.Ops;

/// <summary>How RUN reaches a container: the OCI runtime of the build (its state under <c>runtime/&lt;name&gt;/</c>)
/// and RUN's own network namespace, connected outward by pasta.</summary>
public sealed class ContainerRuns(string storeRoot, BuildOptions options)
{
    /// <summary>Writes the bundle's config.json and runs it to its end; the process's exit code.</summary>
    public async Task<int> RunAsync(RuntimeSpec spec, string bundle, string containerId, Action<string> onOutput, CancellationToken cancellationToken)
    {
        await OciRuntime.WriteSpecAsync(bundle, spec, cancellationToken).ConfigureAwait(false);
        var runtime = new OciRuntime(options.RuntimePath, Path.Join(storeRoot, "runtime", Path.GetFileName(options.RuntimePath)));
        return await runtime.RunAsync(bundle, containerId, onOutput, cancellationToken).ConfigureAwait(false);
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
            return await PastaNetwork.StartAsync(tools, Path.Join(storeRoot, "runtime", "pasta"), name, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new BuildException($"{step.Name}: cannot set up RUN's network: {ex.Message}", ex);
        }
    }
}
