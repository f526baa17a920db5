using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Images;
using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Cli.Commands;

/// <summary><c>save</c>, <c>load</c> and <c>import</c>.</summary>
internal static class ArchiveCommands
{
    public static Command Save(GlobalOptions globals, ICliEnvironment env)
    {
        var images = new Argument<string[]>("IMAGE") { Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--output", "-o") { Description = "Write to a file (or, for --format oci-layout, a directory), instead of STDOUT" };
        var format = new Option<string>("--format")
        {
            Description = "docker (a docker load archive that is also an OCI layout), oci (an OCI layout tar) or oci-layout (a directory)",
            DefaultValueFactory = _ => "docker",
        };
        format.AcceptOnlyFromAmong("docker", "oci", "oci-layout");
        var platform = new Option<string?>("--platform") { Description = "Save only the given platform variant of a multi-platform image" };
        var command = new Command("save", "Save one or more images to a tar archive (streamed to STDOUT by default)") { images, output, format, platform };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            // An index is saved whole (every platform the store holds), or with --platform as that platform's image.
            var wanted = CommandContext.PlatformOrNull(parse.GetValue(platform));
            var selected = new List<(Descriptor, IReadOnlyList<ImageReference>)>();
            foreach (var name in parse.GetValue(images)!)
            {
                var found = await ctx.Images.FindImageAsync(name, wanted, token).ConfigureAwait(false);
                IReadOnlyList<ImageReference> names = found.Name is null ? [] : [ImageReference.Parse(found.Name)];
                selected.Add((wanted is null ? found.Target : found.Image.ManifestDescriptor, names));
            }

            var dest = parse.GetValue(output);
            var kind = parse.GetValue(format)!;
            if (kind == "oci-layout")
            {
                if (dest is null)
                {
                    return ErrorRenderer.Fail(ctx.Env.Error, "--format oci-layout needs --output DIR");
                }

                await LayoutWriter.WriteDirectoryAsync(ctx.Store, selected, dest, ImageAnnotations.None, token).ConfigureAwait(false);
                return 0;
            }

            if (dest is null && !ctx.Env.OutputRedirected)
            {
                return ErrorRenderer.Fail(ctx.Env.Error, "cowardly refusing to save to a terminal. Use the -o flag or redirect");
            }

            await using var stream = dest is null ? ctx.Env.OpenStandardOutput() : OpenAtomically(dest);
            await LayoutWriter.WriteTarAsync(ctx.Store, selected, stream, kind == "docker", ImageAnnotations.None, token).ConfigureAwait(false);
            if (stream is AtomicFile atomic)
            {
                atomic.Commit();
            }

            return 0;
        }, ct));
        return command;
    }

    public static Command Load(GlobalOptions globals, ICliEnvironment env)
    {
        var input = new Option<string?>("--input", "-i") { Description = "Read from tar archive file, instead of STDIN" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Suppress the load output" };
        var platform = new Option<string?>("--platform") { Description = "Load only the given platform from a multi-platform archive" };
        var command = new Command("load", "Load an image from a tar archive (docker save or OCI) or STDIN") { input, quiet, platform };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var path = parse.GetValue(input);
            await using var stream = path is null ? ctx.Env.OpenStandardInput() : File.OpenRead(path);
            var lines = await new ArchiveLoader(ctx.Images).LoadAsync(stream, parse.GetValue(platform) is { Length: > 0 } p ? Platform.Parse(p) : null, token)
                .ConfigureAwait(false);
            if (!parse.GetValue(quiet))
            {
                foreach (var line in lines)
                {
                    ctx.Env.Out.WriteLine(line);
                }
            }

            return 0;
        }, ct));
        return command;
    }

    public static Command Import(GlobalOptions globals, ICliEnvironment env)
    {
        var source = new Argument<string>("file|URL|-") { Description = "A root filesystem: a tar (any compression), a directory, or - for STDIN" };
        var name = new Argument<string?>("REPOSITORY[:TAG]") { Arity = ArgumentArity.ZeroOrOne };
        var message = new Option<string?>("--message", "-m") { Description = "Set commit message for imported image" };
        var command = new Command("import", "Import the contents from a tarball or directory to create a filesystem image") { source, name, message };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var src = parse.GetValue(source)!;
            var target = parse.GetValue(name) is { } n ? ImageStore.ParseTarget(n) : null;
            var host = Platform.Host;
            var config = new ImageConfig { Architecture = host.Architecture, Os = host.Os, RootFs = new RootFs { DiffIds = [] } };
            var importer = new RootfsImporter(ctx.Images);
            var created = ctx.Env.Time.GetUtcNow();
            var label = src == "-" ? "-" : Path.GetFullPath(src);
            StoredImage image;
            if (Directory.Exists(src))
            {
                image = await importer.ImportDirectoryAsync(src, config, label, target, created, token).ConfigureAwait(false);
            }
            else
            {
                await using var stream = src == "-" ? ctx.Env.OpenStandardInput() : File.OpenRead(src);
                image = await importer.ImportTarAsync(stream, config, label, target, created, token).ConfigureAwait(false);
            }

            ctx.Env.Out.WriteLine(image.Id.Value);
            return 0;
        }, ct));
        return command;
    }

    /// <summary>The file is written beside <paramref name="path"/> and renamed over it when complete; an error names
    /// the path the user gave, not the temporary one.</summary>
    private static AtomicFile OpenAtomically(string path)
    {
        try
        {
            return new(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageException(ErrorText.Describe(e, path), e);
        }
    }
}

/// <summary>A file written under a temporary name and renamed into place only when complete, so a failed
/// save never leaves a truncated archive under the name asked for.</summary>
internal sealed class AtomicFile(string path) : FileStream(path + ".slipway-tmp", FileMode.Create, FileAccess.Write, FileShare.None)
{
    private bool _committed;

    public void Commit()
    {
        Flush(flushToDisk: true);
        _committed = true;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            if (_committed)
            {
                File.Move(path + ".slipway-tmp", path, overwrite: true);
            }
            else
            {
                File.Delete(path + ".slipway-tmp");
            }
        }
    }
}
