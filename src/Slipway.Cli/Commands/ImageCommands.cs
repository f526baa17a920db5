using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Store.Images;

namespace Slipway.Cli.Commands;

/// <summary><c>tag</c> and <c>rmi</c>, with Docker's names, flags and output.</summary>
internal static class ImageCommands
{
    public static Command Tag(GlobalOptions globals, ICliEnvironment env)
    {
        var source = new Argument<string>("SOURCE_IMAGE[:TAG]");
        var target = new Argument<string>("TARGET_IMAGE[:TAG]");
        var command = new Command("tag", "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE") { source, target };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            await ctx.Images.TagAsync(parse.GetValue(source)!, parse.GetValue(target)!, token).ConfigureAwait(false);
            return 0;
        }, ct));
        return command;
    }

    public static Command Remove(GlobalOptions globals, ICliEnvironment env)
    {
        var images = new Argument<string[]>("IMAGE") { Arity = ArgumentArity.OneOrMore };
        var force = new Option<bool>("--force", "-f") { Description = "Force removal of the image" };
        var command = new Command("rmi", "Remove one or more images") { images, force };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var status = 0;
            foreach (var image in parse.GetValue(images)!)
            {
                try
                {
                    await ImagesInUse.CheckRemoveAsync(ctx, image, parse.GetValue(force), token).ConfigureAwait(false);
                    foreach (var line in await ctx.Images.RemoveAsync(image, parse.GetValue(force), token).ConfigureAwait(false))
                    {
                        ctx.Env.Out.WriteLine(line);
                    }
                }
                catch (ImageException ex)
                {
                    // docker rmi goes on with the other images and fails at the end.
                    status = ErrorRenderer.Render(ctx.Env.Error, ex, ctx.Debug);
                }
            }

            return status;
        }, ct));
        return command;
    }
}
