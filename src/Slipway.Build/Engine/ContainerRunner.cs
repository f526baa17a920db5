using Slipway.Runtime;
using Slipway.Runtime.Spec;
using Slipway.Store;
using Slipway.Store.Images;

namespace Slipway.Build.Engine;

/// <summary>Runs a stored image once, as <c>docker run --rm</c> would: its layers under a throw-away upper dir,
/// its entrypoint, command, user, environment and working directory. For checking what a build produced.</summary>
public sealed class ContainerRunner(LocalStore store, string runtimePath)
{
    public async Task<int> RunAsync(StoredImage image, IReadOnlyList<string> command, NetworkMode network, Action<string> onOutput,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(command);
        var snapshots = new Snapshots(store);
        var layers = image.Manifest.Layers.Select((l, i) => new LayerRef(l, image.Config.RootFs.DiffIds[i])).ToList();
        using var workspace = snapshots.CreateWorkspace();
        using var mounted = await snapshots.MountAsync(layers, workspace, writable: true, cancellationToken).ConfigureAwait(false);
        var config = image.Config.Config ?? new Oci.ContainerConfig();
        var args = new List<string>(config.Entrypoint ?? []);
        args.AddRange(command.Count > 0 ? command : config.Cmd ?? []);
        if (args.Count == 0)
        {
            throw new BuildException("no command specified");
        }

        var identity = Users.Resolve(config.User, mounted.Path);
        var spec = SpecBuilder.Build(new StepProcess
        {
            Args = args,
            Env = config.Env ?? [StepExecutor.DefaultPath],
            WorkingDir = string.IsNullOrEmpty(config.WorkingDir) ? "/" : config.WorkingDir,
            Uid = identity.Uid,
            Gid = identity.Gid,
            Network = network,
            Hostname = "slipway",
        }, mounted.Path);
        await OciRuntime.WriteSpecAsync(workspace.Bundle, spec, cancellationToken).ConfigureAwait(false);
        var runtime = new OciRuntime(runtimePath, Path.Join(store.Layout.Root, "runtime", Path.GetFileName(runtimePath)));
        return await runtime.RunAsync(workspace.Bundle, workspace.ContainerId, onOutput, cancellationToken)
            .ConfigureAwait(false);
    }
}
