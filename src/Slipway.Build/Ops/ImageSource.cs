using Slipway.Build.Definition;
using Slipway.Build.Engine;
using Slipway.Store;
using Slipway.Store.Images;
using Slipway.Dockerfile.Instructions;
using Slipway.Oci;

namespace Slipway.Build.Ops;

/// <summary>The images a build reads (its bases, <c>COPY --from=&lt;image&gt;</c>, mounts from an image), each for the
/// platform the stage reading it runs on (its <c>FROM --platform</c>, else <paramref name="target"/>), resolved once per
/// reference and platform by the builder (from the store, or pulled). A named build context (<c>--build-context</c>)
/// stands in for the name it matches; <paramref name="load"/> turns one into an image.</summary>
public sealed class ImageSource(Func<ImageReference, Platform, CancellationToken, Task<StoredImage>> resolve, Platform target,
    IReadOnlyList<NamedContext>? contexts = null, Func<NamedContext, CancellationToken, Task<StoredImage>>? load = null)
{
    /// <summary>The named context <paramref name="name"/> (a <c>--from</c>, a base) stands for, if any.</summary>
    public NamedContext? Context(string name) => contexts is null ? null : NamedContext.Find(contexts, name);

    /// <summary>The named context a stage starts from: the one replacing the stage, else the one its base names.</summary>
    public NamedContext? ContextOf(Stage stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return stage.Replaced ? Context(stage.Name!) : stage.IsExternalBase ? Context(stage.BaseName) : null;
    }

    /// <summary>The base image of a stage that starts from one (not a stage, not scratch), or from a named context.</summary>
    public Task<StoredImage> BaseAsync(Stage stage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stage);
        if (ContextOf(stage) is { } context)
        {
            return LoadAsync(context, cancellationToken);
        }

        if (!ImageReference.TryParse(stage.BaseName, out var reference, out var error))
        {
            throw new BuildException($"{stage.From.Span.File}:{stage.From.Span.StartLine}: invalid base image \"{stage.BaseName}\": {error}");
        }

        return ResolveAsync(reference, stage, cancellationToken);
    }

    /// <summary>An image as the stage reading it sees it: for the platform the stage runs on
    /// (FROM --platform=$BUILDPLATFORM: the host's), as BuildKit resolves a stage's base, <c>--from</c> and mounts.</summary>
    private Task<StoredImage> ResolveAsync(ImageReference reference, Stage? stage, CancellationToken cancellationToken) =>
        resolve(reference, stage is null ? target : BuildPlanner.StagePlatform(stage, target), cancellationToken);

    /// <summary>The image a <c>--from</c> names when no stage has that name (as in BuildKit); the error says so,
    /// since the name is most often a stage's, mistyped.</summary>
    public async Task<StoredImage> ForCopyAsync(string from, Stage? stage, CancellationToken cancellationToken)
    {
        if (Context(from) is { } context)
        {
            return await LoadAsync(context, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await ResolveAsync(Parse(from), stage, cancellationToken).ConfigureAwait(false);
        }
        catch (BuildException ex)
        {
            throw new BuildException($"COPY --from={from}: no stage is named \"{from}\", so it was taken as an image: {ex.Message}", ex);
        }
    }

    /// <summary>The layers of the image <paramref name="name"/> (a RUN mount's <c>from=</c>) in <paramref name="stage"/>.</summary>
    public async Task<IReadOnlyList<LayerRef>> LayersAsync(string name, Stage? stage, CancellationToken cancellationToken) =>
        (Context(name) is { } context
            ? await LoadAsync(context, cancellationToken).ConfigureAwait(false)
            : await ResolveAsync(Parse(name), stage, cancellationToken).ConfigureAwait(false)).Layers;

    private Task<StoredImage> LoadAsync(NamedContext context, CancellationToken cancellationToken) =>
        load?.Invoke(context, cancellationToken) ?? throw new InvalidOperationException("named contexts without a loader");

    private static ImageReference Parse(string name) =>
        ImageReference.TryParse(name, out var reference, out var error)
            ? reference
            : throw new BuildException($"COPY --from: invalid image reference \"{name}\": {error}");
}
