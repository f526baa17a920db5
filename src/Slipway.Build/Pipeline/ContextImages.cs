using Slipway.Build.Definition;
using Slipway.Build.Engine;
using Slipway.Images;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Images;

namespace Slipway.Build.Pipeline;

/// <summary>The named build contexts of one build as images, each made once: <c>docker-image://</c> resolved like any
/// base (store, else pulled), <c>oci-layout://</c> copied out of its layout, a directory imported as a one-layer
/// image with a fixed time (so the same files make the same image, and the cache keys that name it hold).
/// A directory read by <c>COPY --from</c> is not made an image: the copy reads it as it reads the context.</summary>
internal sealed class ContextImages(ImageStore images, Func<ImageReference, Platform, CancellationToken, Task<StoredImage>> resolve, Platform platform, Lease lease)
{
    private readonly Dictionary<string, Task<StoredImage>> _loaded = new(StringComparer.Ordinal);

    public Task<StoredImage> LoadAsync(NamedContext context, CancellationToken cancellationToken)
    {
        lock (_loaded)
        {
            if (!_loaded.TryGetValue(context.Name, out var task))
            {
                task = LoadOnceAsync(context, cancellationToken);
                _loaded[context.Name] = task;
            }

            return task;
        }
    }

    private async Task<StoredImage> LoadOnceAsync(NamedContext context, CancellationToken cancellationToken)
    {
        try
        {
            return context switch
            {
                ImageContext image => await resolve(image.Reference, platform, cancellationToken).ConfigureAwait(false),
                LayoutContext layout => await LayoutImageLoader.LoadAsync(images, layout.Path, layout.Tag, layout.Digest, platform, lease, cancellationToken)
                    .ConfigureAwait(false),
                DirectoryContext directory => await ImportAsync(directory.Path, directory.Name, cancellationToken).ConfigureAwait(false),
                UrlContext url => await DownloadAsync(url, cancellationToken).ConfigureAwait(false),
                _ => throw new InvalidOperationException("unknown kind of build context"),
            };
        }
        catch (Exception ex) when (ex is ImageException or HttpRequestException or IOException)
        {
            throw new BuildException($"failed to load build context {context.Name}: {ErrorText.Describe(ex)}", ex);
        }
    }

    /// <summary>A directory as a one-layer image, at a fixed time: the same files make the same image.</summary>
    private Task<StoredImage> ImportAsync(string directory, string name, CancellationToken cancellationToken) =>
        new RootfsImporter(images).ImportDirectoryAsync(directory,
            new ImageConfig { Architecture = platform.Architecture, Os = platform.Os, Variant = platform.Variant, RootFs = new RootFs { DiffIds = [] } },
            "build context " + name, null, DateTimeOffset.UnixEpoch, cancellationToken);

    /// <summary>An <c>https://</c> context is one file named <c>context</c>, as BuildKit's HTTP source makes it.</summary>
    private async Task<StoredImage> DownloadAsync(UrlContext url, CancellationToken cancellationToken)
    {
        var scratch = images.Store.Layout.NewTmpPath("context-");
        try
        {
            using (var downloads = new AddSources(Path.Join(scratch, "download")))
            {
                var (file, _) = await downloads.DownloadAsync(url.Url.ToString(), null, cancellationToken).ConfigureAwait(false);
                var target = Path.Join(Directory.CreateDirectory(Path.Join(scratch, "root")).FullName, "context");
                File.Move(file, target);
                // Fixed mode and times: the same bytes make the same layer, so the steps that read it stay cached.
                File.SetUnixFileMode(target, (UnixFileMode)0x1A4);
                File.SetLastWriteTimeUtc(target, DateTime.UnixEpoch);
                Directory.SetLastWriteTimeUtc(Path.Join(scratch, "root"), DateTime.UnixEpoch);
            }

            return await ImportAsync(Path.Join(scratch, "root"), url.Name, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }
}
