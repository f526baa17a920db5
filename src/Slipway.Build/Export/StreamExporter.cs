using Slipway.Images;
using Slipway.Oci;
using Slipway.Store;

namespace Slipway.Build.Export;

/// <summary>The exporters that write one stream (a file, or standard output): <c>type=oci</c> and
/// <c>type=docker</c> archives of the image under its names, and <c>type=tar</c>, its final filesystem.</summary>
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
                await FilesystemExporter.ExportTarAsync(store, source.Image, stream, store.Layout.Tmp, cancellationToken).ConfigureAwait(false);
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
