using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Images;
using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Cli.Commands;

/// <summary><c>pull</c> and <c>push</c>, printing what <c>docker pull</c>/<c>docker push</c> print.</summary>
internal static class TransferCommands
{
    internal static Option<string[]> InsecureOption() => new("--insecure-registry")
    {
        Description = "Allow plain HTTP to this registry (host[:port] or CIDR); loopback is always allowed",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Command Pull(GlobalOptions globals, ICliEnvironment env)
    {
        var name = new Argument<string>("NAME[:TAG|@DIGEST]");
        var platform = new Option<string?>("--platform") { Description = "Set platform if server is multi-platform capable" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Suppress verbose output" };
        var insecure = InsecureOption();
        var command = new Command("pull", "Download an image from a registry") { name, platform, quiet, insecure };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var reference = ImageStore.ParseTarget(parse.GetValue(name)!);
            var wanted = CommandContext.PlatformOrHost(parse.GetValue(platform));
            var q = parse.GetValue(quiet);
            ctx.InsecureRegistries = parse.GetValue(insecure) ?? [];
            // docker says "Pulling from" once the registry has answered with the manifest: not before an error.
            var header = new Lazy<bool>(() =>
            {
                ctx.Env.Out.WriteLine($"{reference.Tag ?? reference.Digest?.Value}: Pulling from {reference.Path}");
                return true;
            }, LazyThreadSafetyMode.ExecutionAndPublication);
            // docker's tagUpdated: "newer" when the name now points at something else than before the pull.
            var before = ctx.Store.Refs.Resolve(reference.ToString())?.Digest;
            var puller = new ImagePuller(ctx.Images, ctx.Clients);
            var lines = new PullLines(ctx.Env.Out, terminal: !ctx.Env.OutputRedirected);
            var image = await puller.PullAsync(reference, wanted, p =>
            {
                if (!q)
                {
                    _ = header.Value;
                    lines.Report(p);
                }
            }, token).ConfigureAwait(false);
            if (!q)
            {
                _ = header.Value;
                ctx.Env.Out.WriteLine($"Digest: {image.ManifestDescriptor.Digest}");
                ctx.Env.Out.WriteLine(before != image.ManifestDescriptor.Digest
                    ? $"Status: Downloaded newer image for {reference.FamiliarString}"
                    : $"Status: Image is up to date for {reference.FamiliarString}");
            }

            ctx.Env.Out.WriteLine(reference.ToString());
            return 0;
        }, ct));
        return command;
    }

    public static Command Push(GlobalOptions globals, ICliEnvironment env)
    {
        var name = new Argument<string>("NAME[:TAG]");
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Suppress verbose output" };
        var insecure = InsecureOption();
        var command = new Command("push", "Upload an image to a registry") { name, quiet, insecure };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var reference = ImageStore.ParseTarget(parse.GetValue(name)!);
            ctx.InsecureRegistries = parse.GetValue(insecure) ?? [];
            var (_, image) = await ctx.Images.FindAsync(reference.ToString(), token).ConfigureAwait(false);
            var q = parse.GetValue(quiet);
            if (!q)
            {
                ctx.Env.Out.WriteLine($"The push refers to repository [{reference.Name}]");
            }

            var pusher = new ImagePusher(ctx.Images, ctx.Clients);
            var digest = await pusher.PushAsync(image, reference, LayerLines(ctx, q), token).ConfigureAwait(false);
            ctx.Env.Out.WriteLine(q ? reference.ToString() : $"{reference.Tag ?? "latest"}: digest: {digest} size: {image.ManifestDescriptor.Size}");
            return 0;
        }, ct));
        return command;
    }

    /// <summary>docker's push line per layer event, <c>SHORTID: STATUS</c>, unless quiet. Layers move in parallel, so their
    /// lines are written one at a time.</summary>
    private static Action<PullProgress> LayerLines(CommandContext ctx, bool quiet) => p =>
    {
        if (!quiet && p.What == "layer")
        {
            lock (ctx.Env.Out)
            {
                ctx.Env.Out.WriteLine($"{p.Digest.ShortHex}: {Status(p.Status)}");
            }
        }
    };

    private static string Status(string outcome) => outcome switch
    {
        "AlreadyExists" => "Layer already exists",
        "Mounted" => "Mounted",
        _ => "Pushed",
    };
}
