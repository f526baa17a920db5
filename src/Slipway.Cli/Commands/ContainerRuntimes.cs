using Slipway.Build.Containers;
using Slipway.Build.Engine;
using Slipway.Runtime;
using Slipway.Runtime.Network;

namespace Slipway.Cli.Commands;

/// <summary>The OCI runtime a container runs in, found again by the name it was made with, and the other programs
/// containers need (pasta and ip for their network).</summary>
internal static class ContainerRuntimes
{
    public static IContainerRuntime For(CommandContext ctx, string? name)
    {
        var chosen = RuntimeDetector.Choose(RuntimeDetector.Detect(ctx.Env.GetVariable("PATH"), RuntimeDetector.DetectCgroupLayout()), name, out var error);
        if (chosen?.Path is null)
        {
            throw new ContainerException(error ?? $"no usable OCI runtime {name}");
        }

        return Composition.Runtime(ctx.Store.Layout, chosen.Path);
    }

    public static NetworkTools? Network(CommandContext ctx) => NetworkTools.Find(ctx.Env.GetVariable("PATH"));

    /// <summary>What kill, stop, rm and prune act through: each container's own runtime.</summary>
    public static ContainerControl Control(CommandContext ctx)
    {
        var runtimes = new Dictionary<string, IContainerRuntime>(StringComparer.Ordinal);
        return new ContainerControl(ctx.Store, ctx.Containers, record =>
        {
            if (!runtimes.TryGetValue(record.RuntimeName, out var runtime))
            {
                runtimes[record.RuntimeName] = runtime = For(ctx, record.RuntimeName);
            }

            return runtime;
        })
        {
            Network = Network(ctx),
        };
    }

    /// <summary>The supervisor of one container, in this process.</summary>
    public static ContainerSupervisor Supervisor(CommandContext ctx, ContainerRecord record) =>
        new(ctx.Store, ctx.Containers, Composition.Snapshotter(ctx.Store), For(ctx, record.RuntimeName)) { Network = Network(ctx) };
}
