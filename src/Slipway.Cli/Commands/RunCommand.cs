using System.CommandLine;
using Slipway.Build.Engine;
using Slipway.Cli.Output;
using Slipway.Runtime;
using Slipway.Runtime.Spec;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway run IMAGE [COMMAND…]</c>: runs an image once and removes the container, as
/// <c>docker run --rm</c> does; for trying what a build produced.</summary>
internal static class RunCommand
{
    /// <summary>docker run's status when the container could not be run at all, as opposed to the command's own.</summary>
    private const int ContainerFailed = 125;

    public static Command Create(GlobalOptions globals, ICliEnvironment env)
    {
        var image = new Argument<string>("IMAGE");
        var command = new Argument<string[]>("COMMAND") { Arity = ArgumentArity.ZeroOrMore };
        var rm = new Option<bool>("--rm") { Description = "Accepted for docker compatibility: the container is always removed" };
        var network = new Option<string>("--network") { Description = "host (default) or none", DefaultValueFactory = _ => "host" };
        network.AcceptOnlyFromAmong("host", "none", "default");
        var runtimeOption = new Option<string?>("--runtime") { Description = "OCI runtime: runc, crun or a path" };
        var run = new Command("run", "Run a command in a new container from an image, then remove it") { image, command, rm, network, runtimeOption };
        run.TreatUnmatchedTokensAsErrors = false;
        run.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var chosen = RuntimeDetector.Choose(RuntimeDetector.Detect(ctx.Env.GetVariable("PATH"), RuntimeDetector.DetectCgroupLayout()),
                parse.GetValue(runtimeOption), out var error);
            if (chosen?.Path is null)
            {
                return ErrorRenderer.Fail(ctx.Env.Error, error!, ContainerFailed);
            }

            var (_, stored) = await ctx.Images.FindAsync(parse.GetValue(image)!, token).ConfigureAwait(false);
            var args = (parse.GetValue(command) ?? []).Concat(parse.UnmatchedTokens).ToList();
            var mode = parse.GetValue(network) == "none" ? NetworkMode.None : NetworkMode.Host;
            try
            {
                return await new ContainerRunner(ctx.Store, Composition.Snapshotter(ctx.Store), Composition.Runtime(ctx.Store.Layout, chosen.Path)).RunAsync(stored, args, mode, line =>
                {
                    lock (ctx.Env.Out)
                    {
                        ctx.Env.Out.WriteLine(line);
                    }
                }, token).ConfigureAwait(false);
            }
            catch (BuildException ex)
            {
                return ErrorRenderer.Render(ctx.Env.Error, ex, ctx.Debug, ContainerFailed);
            }
        }, ct));
        return run;
    }
}
