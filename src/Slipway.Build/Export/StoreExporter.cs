using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Build.Export;

/// <summary>Names the image (the index of a build for several platforms) in the store (<c>-t</c>, <c>type=image</c>); with no name and
/// <paramref name="keepDangling"/>, keeps it as <c>&lt;none&gt;</c> so it is not garbage.</summary>
public sealed class StoreExporter(ImageStore images, IReadOnlyList<ImageReference> names, bool keepDangling) : IExporter
{
    public bool CarriesSbom => false;

    public async Task<Digest?> ExportAsync(ExportSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        foreach (var name in names)
        {
            await images.SetAsync(name, source.Top, cancellationToken).ConfigureAwait(false);
        }

        if (names.Count == 0 && keepDangling)
        {
            await images.KeepDanglingAsync(source.Top, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }
}
