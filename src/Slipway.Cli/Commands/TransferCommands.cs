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
            ctx.InsecureRegistries = parse.GetValue(insecure) ?? [];
            await PullAsync(ctx, reference, parse.GetValue(platform), parse.GetValue(quiet), ctx.Env.Out, token).ConfigureAwait(false);
            ctx.Env.Out.WriteLine(reference.ToString());
            return 0;
        }, ct));
        return command;
    }

    /// <summary>A pull with docker's lines on <paramref name="output"/> (stdout for <c>pull</c>, stderr for the pull
    /// <c>run</c> makes of a missing image): the header once the manifest came, a line per layer, digest and status.</summary>
    internal static async Task<StoredImage> PullAsync(CommandContext ctx, ImageReference reference, string? platform, bool quiet, TextWriter output,
        CancellationToken token)
    {
        var wanted = CommandContext.PlatformOrHost(platform);
        // docker says "Pulling from" once the registry has answered with the manifest: not before an error.
        var header = new Lazy<bool>(() =>
        {
            output.WriteLine($"{reference.Tag ?? reference.Digest?.Value}: Pulling from {reference.Path}");
            return true;
        }, LazyThreadSafetyMode.ExecutionAndPublication);
        // docker's tagUpdated: "newer" when the name now points at something else than before the pull.
        var before = ctx.Store.Refs.Resolve(reference.ToString())?.Digest;
        var puller = new ImagePuller(ctx.Images, ctx.Clients);
        var lines = new PullLines(output, terminal: output == ctx.Env.Out ? !ctx.Env.OutputRedirected : !ctx.Env.ErrorRedirected);
        var image = await puller.PullAsync(reference, wanted, platformRequested: !string.IsNullOrEmpty(platform), p =>
        {
            if (!quiet)
            {
                _ = header.Value;
                lines.Report(p);
            }
        }, token).ConfigureAwait(false);
        if (!quiet)
        {
            _ = header.Value;
            output.WriteLine($"Digest: {image.ManifestDescriptor.Digest}");
            output.WriteLine(before != image.ManifestDescriptor.Digest
                ? $"Status: Downloaded newer image for {reference.FamiliarString}"
                : $"Status: Image is up to date for {reference.FamiliarString}");
        }

        return image;
    }

    public static Command Push(GlobalOptions globals, ICliEnvironment env)
    {
        var name = new Argument<string>("NAME[:TAG]");
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Suppress verbose output" };
        var insecure = InsecureOption();
        var platform = new Option<string?>("--platform") { Description = "Push a platform-specific manifest as a single-platform image to the registry" };
        var command = new Command("push", "Upload an image to a registry") { name, quiet, insecure, platform };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var reference = ImageStore.ParseTarget(parse.GetValue(name)!);
            ctx.InsecureRegistries = parse.GetValue(insecure) ?? [];
            var wanted = CommandContext.PlatformOrNull(parse.GetValue(platform));
            var found = await ctx.Images.FindImageAsync(reference.ToString(), wanted, token).ConfigureAwait(false);
            var q = parse.GetValue(quiet);
            if (!q)
            {
                ctx.Env.Out.WriteLine($"The push refers to repository [{reference.Name}]");
            }

            // An index goes whole, every platform then the index; --platform pushes that platform's image alone.
            var pusher = new ImagePusher(ctx.Images, ctx.Clients);
            var (digest, size) = found.Index is { } index && wanted is null
                ? (await pusher.PushIndexAsync(index, reference, null, ImageAnnotations.None, LayerLines(ctx, q), token).ConfigureAwait(false),
                    index.Descriptor.Size)
                : (await pusher.PushAsync(found.Image, reference, LayerLines(ctx, q), token).ConfigureAwait(false), found.Image.ManifestDescriptor.Size);
            ctx.Env.Out.WriteLine(q ? reference.ToString() : $"{reference.Tag ?? "latest"}: digest: {digest} size: {size}");
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
