using Slipway.Build.Engine;
using Slipway.Images;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Images;

namespace Slipway.Build.Pipeline;

/// <summary>The images a build reads, each resolved once per (reference, platform): from the store (a name that
/// holds an index gives the platform's image), else pulled for that platform.</summary>
internal sealed class BaseImages(LocalStore store, ImageStore images, RegistryClients? clients, IBuildProgress progress, bool pull)
{
    private readonly Dictionary<string, Task<StoredImage>> _resolved = new(StringComparer.Ordinal);

    public Task<StoredImage> ResolveAsync(ImageReference reference, Platform platform, CancellationToken cancellationToken)
    {
        lock (_resolved)
        {
            var key = reference + " " + platform;
            if (!_resolved.TryGetValue(key, out var task))
            {
                task = ResolveOnceAsync(reference, platform, cancellationToken);
                _resolved[key] = task;
            }

            return task;
        }
    }

    /// <summary>The layers of every base image the build used: the scan for secrets looks only at the others.</summary>
    public HashSet<Digest> Layers()
    {
        lock (_resolved)
        {
            return [.. _resolved.Values.Where(t => t.IsCompletedSuccessfully).SelectMany(t => t.Result.Manifest.Layers.Select(l => l.Digest))];
        }
    }

    private async Task<StoredImage> ResolveOnceAsync(ImageReference reference, Platform platform, CancellationToken cancellationToken)
    {
        var local = pull ? null : store.Refs.Resolve(reference.ToString());
        if (local is not null)
        {
            return await images.LoadAsync(local, platform, cancellationToken).ConfigureAwait(false);
        }

        if (clients is null)
        {
            throw new BuildException($"{reference.FamiliarString}: image not found in the store (pull it first)");
        }

        try
        {
            // Shown as BuildKit shows a base's download, blob by blob with its bytes, instead of inside whichever
            // step happens to wait for it.
            var image = await new ImagePuller(images, clients).PullAsync(reference, platform, p => progress.OnPull(reference, p), cancellationToken)
                .ConfigureAwait(false);
            progress.OnPulled(reference, null);
            return image;
        }
        catch (Exception ex) when (ex is HttpRequestException or Registry.RegistryException or ImageException)
        {
            // A registry that cannot be reached is a build error like any other, not a crash of the builder.
            progress.OnPulled(reference, ErrorText.Describe(ex));
            throw new BuildException($"failed to resolve source metadata for {reference}: {ErrorText.Describe(ex)}", ex);
        }
        catch (Exception ex)
        {
            progress.OnPulled(reference, ErrorText.Describe(ex));
            throw;
        }
    }
}
