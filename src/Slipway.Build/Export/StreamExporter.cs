using Slipway.Images;
using Slipway.Oci;
using Slipway.Store;

namespace Slipway.Build.Export;

/// <summary>The exporters that write one stream (a file, or standard output): <c>type=oci</c> and
/// <c>type=docker</c> archives of the image under its names (an OCI archive of a build for several platforms holds
/// the index), and <c>type=tar</c>, its final filesystem (each platform's in its own folder when there are several).</summary>
public sealed class StreamExporter(LocalStore store, OutputKind kind, IReadOnlyList<ImageReference> names, Func<Stream> open) : IExporter
{
    public bool CarriesSbom => false;

    public async Task<Digest?> ExportAsync(ExportSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        await using var stream = open();
        switch (kind)
        {
            case OutputKind.Tar:
                await FilesystemExporter.ExportTarAsync(store, source.Images, stream, store.Layout.Tmp, cancellationToken).ConfigureAwait(false);
                break;
            case OutputKind.Oci when source.Index is { } index:
                // Several platforms: the layout's index.json names the image index, which lists each platform's image.
                await LayoutWriter.WriteTarAsync(store, [(index.Descriptor, names)], stream, false, source.Annotations, cancellationToken).ConfigureAwait(false);
                break;
            case OutputKind.Oci or OutputKind.Docker:
                await LayoutWriter.WriteTarAsync(store, [(source.Image, names)], stream, kind == OutputKind.Docker, source.Annotations, cancellationToken)
                    .ConfigureAwait(false);
                break;
            default:
                throw new InvalidOperationException($"type={kind} is not written to a stream");
        }

        return null;
    }
}
