using Slipway.Oci;
using Slipway.Registry;

namespace Slipway.Build.Cache;

/// <summary>Where an imported cache's blobs are fetched from when a build needs them.</summary>
internal interface IBlobSource
{
    string Name { get; }

    /// <summary>Writes the blob's bytes to <paramref name="destination"/>; the caller verifies them.</summary>
    Task CopyAsync(Descriptor blob, Stream destination, CancellationToken cancellationToken);
}

/// <summary>A repository of a registry.</summary>
internal sealed class RegistrySource(RegistryClient client, ImageReference reference) : IBlobSource
{
    public string Name => reference.FamiliarString;

    public async Task CopyAsync(Descriptor blob, Stream destination, CancellationToken cancellationToken) =>
        await client.GetBlobAsync(reference.Path, blob.Digest, destination, blob.Size, cancellationToken).ConfigureAwait(false);
}

/// <summary>An OCI image layout directory (<c>blobs/&lt;algorithm&gt;/&lt;hex&gt;</c>).</summary>
internal sealed class LayoutSource(string directory) : IBlobSource
{
    public string Name => directory;

    /// <summary>A blob's path: built from a validated digest only, never from text in the layout.</summary>
    public string PathOf(Digest digest) => Path.Join(directory, "blobs", digest.Algorithm, digest.Hex);

    public async Task CopyAsync(Descriptor blob, Stream destination, CancellationToken cancellationToken)
    {
        var file = new FileStream(PathOf(blob.Digest), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            if (file.Length != blob.Size)
            {
                throw new InvalidDataException($"{directory}: blob {blob.Digest} is {file.Length} bytes, the cache says {blob.Size}");
            }

            await file.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        }
    }
}
