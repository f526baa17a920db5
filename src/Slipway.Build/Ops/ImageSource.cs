using Slipway.Build.Engine;
using Slipway.Store;
using Slipway.Store.Images;
using Slipway.Dockerfile.Instructions;
using Slipway.Oci;

namespace Slipway.Build.Ops;

/// <summary>The images a build reads (its bases, <c>COPY --from=&lt;image&gt;</c>, mounts from an image), resolved
/// once per reference by the builder (from the store, or pulled).</summary>
public sealed class ImageSource(Func<ImageReference, CancellationToken, Task<StoredImage>> resolve)
{
    /// <summary>The base image of a stage that starts from one (not a stage, not scratch).</summary>
    public Task<StoredImage> BaseAsync(Stage stage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return ImageReference.TryParse(stage.BaseName, out var reference, out var error)
            ? resolve(reference, cancellationToken)
            : throw new BuildException($"{stage.From.Span.File}:{stage.From.Span.StartLine}: invalid base image \"{stage.BaseName}\": {error}");
    }

    /// <summary>The image a <c>--from</c> names when no stage has that name (as in BuildKit); the error says so,
    /// since the name is most often a stage's, mistyped.</summary>
    public async Task<StoredImage> ForCopyAsync(string from, CancellationToken cancellationToken)
    {
        try
        {
            return await resolve(Parse(from), cancellationToken).ConfigureAwait(false);
        }
        catch (BuildException ex)
        {
            throw new BuildException($"COPY --from={from}: no stage is named \"{from}\", so it was taken as an image: {ex.Message}", ex);
        }
    }

    /// <summary>The layers of the image <paramref name="name"/> (a RUN mount's <c>from=</c>).</summary>
    public async Task<IReadOnlyList<LayerRef>> LayersAsync(string name, CancellationToken cancellationToken) =>
        (await resolve(Parse(name), cancellationToken).ConfigureAwait(false)).Layers;

    private static ImageReference Parse(string name) =>
        ImageReference.TryParse(name, out var reference, out var error)
            ? reference
            : throw new BuildException($"COPY --from: invalid image reference \"{name}\": {error}");
}
