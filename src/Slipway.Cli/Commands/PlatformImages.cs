using System.CommandLine;
using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Cli.Commands;

/// <summary>One platform's image from a name that may point at an index, for <c>run</c>, <c>size</c> and <c>sbom</c>
/// <c>--platform</c>: the index narrowed to that platform, as docker's containerd image store does.</summary>
internal static class PlatformImages
{
    public static Option<string?> Option(string description) => new("--platform") { Description = description, HelpName = "PLATFORM" };

    /// <summary>The platform asked for, or null when none was; a malformed one in docker's words.</summary>
    public static Platform? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return Platform.TryParse(value, out var platform, out var error) ? platform : throw new ImageException(error);
    }

    /// <summary>Finds <paramref name="nameOrId"/> as <see cref="ImageStore.FindAsync"/> does; with a platform, an
    /// index gives that platform's image and a single-platform image of another platform is not found, with moby's
    /// message (which <c>docker run</c> answers by pulling).</summary>
    public static async Task<(string? Name, StoredImage Image)> FindAsync(CommandContext ctx, string nameOrId, Platform? platform,
        CancellationToken cancellationToken)
    {
        if (platform is null)
        {
            return await ctx.Images.FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        }

        var (name, image) = ImageReference.TryParse(nameOrId, out var reference, out _) && ctx.Store.Refs.Resolve(reference.ToString()) is { } descriptor
            ? (reference.ToString(), await ctx.Images.LoadAsync(descriptor, platform, cancellationToken).ConfigureAwait(false))
            : await ctx.Images.FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        var actual = (image.ManifestDescriptor.Platform ?? image.Config.Platform).Normalize();
        if (!new PlatformMatcher(platform).Matches(actual))
        {
            throw new ImageException(
                $"image with reference {nameOrId} was found but does not match the specified platform: wanted {platform}, actual: {actual}");
        }

        return (name, image);
    }
}
