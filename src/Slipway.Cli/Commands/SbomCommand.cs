using System.CommandLine;
using Slipway.Insight.Sbom;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway sbom IMAGE [-o FILE]</c>: the SPDX 2.3 JSON document of an image's final filesystem
/// (dpkg, apk, npm, Go and NuGet packages). The one a build kept with <c>--sbom</c> is printed as it was.</summary>
internal static class SbomCommand
{
    public static Command Create(GlobalOptions globals, ICliEnvironment env)
    {
        var image = new Argument<string>("IMAGE") { Description = "The image, by name or id" };
        var output = new Option<string?>("--output", "-o") { Description = "Write the document to a file instead of standard output", HelpName = "FILE" };
        var regenerate = new Option<bool>("--regenerate") { Description = "Scan the image again even if a build kept its SBOM" };
        var platform = new Option<string?>("--platform") { Description = "Describe the given platform of a multi-platform image (default: the host's)" };
        var command = new Command("sbom", "Write the SPDX software bill of materials of an image") { image, output, regenerate, platform };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var (name, stored) = await ctx.Images.FindAsync(parse.GetValue(image)!, CommandContext.PlatformOrNull(parse.GetValue(platform)), token).ConfigureAwait(false);
            var bytes = parse.GetValue(regenerate) ? null : await SbomGenerator.LoadAsync(ctx.Store, stored.ManifestDescriptor.Digest, token).ConfigureAwait(false);
            if (bytes is null)
            {
                var reference = name is null ? null : Slipway.Oci.ImageReference.Parse(name);
                var document = await SbomGenerator.GenerateAsync(ctx.Store, stored, reference, SlipwayApp.Version, Created(ctx.Env), token).ConfigureAwait(false);
                bytes = Spdx.Serialize(document);
            }

            if (parse.GetValue(output) is { } file && file != "-")
            {
                await File.WriteAllBytesAsync(file, bytes, token).ConfigureAwait(false);
            }
            else
            {
                ctx.Env.Out.Write(System.Text.Encoding.UTF8.GetString(bytes));
                ctx.Env.Out.WriteLine();
            }

            return 0;
        }, ct));
        return command;
    }

    /// <summary>The document's creation time: SOURCE_DATE_EPOCH when set, so reproducible builds give the same
    /// document, otherwise now.</summary>
    public static DateTimeOffset Created(ICliEnvironment env) => BuildRequestParser.SourceDateEpoch(env) ?? env.Time.GetUtcNow();
}
