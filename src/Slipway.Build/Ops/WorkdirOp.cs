using Slipway.Build.Context;
using Slipway.Build.Engine;
using Slipway.Dockerfile.Instructions;
using Slipway.Solver;
using Slipway.Store.Layers;

namespace Slipway.Build.Ops;

/// <summary>WORKDIR: sets the working directory and, as BuildKit does, creates it (owned by the stage's USER) when
/// the stage lacks it; a layer only when something was created. The config keeps an absolute path as written
/// (<c>/a/</c> stays <c>/a/</c>), as BuildKit's NormalizeWorkdir does on Linux; a relative one is joined to the
/// current directory and cleaned.</summary>
public sealed class WorkdirOp(StepVertex step, WorkdirInstruction workdir, StepServices services, StepLayers layers)
    : InstructionOp<WorkdirInstruction>(step, workdir, services)
{
    protected override string Expanded(Expansion expand)
    {
        ArgumentNullException.ThrowIfNull(expand);
        return "WORKDIR " + expand.Word(Instruction.Path);
    }

    public override async ValueTask<StepState> ExecAsync(IReadOnlyList<StepState> inputs, CacheMap cacheMap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var state = inputs[0];
        var path = Resolve(state.Container.WorkingDir, Services.Expand(state).Word(Instruction.Path));
        var next = state with { Config = state.Config with { Config = state.Container with { WorkingDir = path } } };
        using var workspace = layers.CreateWorkspace();
        // Held until the end: the snapshot outlives its commit.
        using var mounted = await layers.PrepareAsync(state.Layers, workspace, cancellationToken).ConfigureAwait(false);
        {
            var resolver = new RootResolver(mounted.Path);
            var components = RootResolver.Clean(path);
            if (components.Count > 0)
            {
                resolver.EnsureParent(components);
                var target = resolver.Resolve(components, followFinal: true);
                if (LayerNative.LStat(target) is null)
                {
                    Directory.CreateDirectory(target);
                    // Owned by USER as BuildKit's mkdir owns it: its file-op lookup, which never fails on a name.
                    var owner = Users.Resolve(state.Container.User, mounted.Path, forChown: true);
                    LayerNative.LChown(target, (int)owner.Uid, (int)owner.Gid);
                }
            }
        }

        if (!mounted.HasChanges())
        {
            return next.WithContainer(c => c, $"WORKDIR {path}", Services.Created);
        }

        var layer = await layers.CommitAsync(mounted, cancellationToken).ConfigureAwait(false);
        return next.WithLayer(layer, $"WORKDIR {path}", Services.Created);
    }

    /// <summary>BuildKit's system.NormalizePath(current, path, "linux", keepSlash: false): empty keeps the current
    /// directory, absolute is kept as written, relative is path.Join(current, path).</summary>
    public static string Resolve(string? current, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parent = string.IsNullOrEmpty(current) ? "/" : current.StartsWith('/') ? current : GoPath.Clean("/" + current);
        return path.Length == 0 ? parent
            : path.StartsWith('/') ? path
            : GoPath.Clean(parent + "/" + path);
    }
}
