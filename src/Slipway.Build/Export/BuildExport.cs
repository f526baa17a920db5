using Slipway.Insight.Sbom;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Images;

namespace Slipway.Build.Export;

/// <summary>What a build writes beside its image once the outputs have it.</summary>
public sealed record ExportAttachments
{
    /// <summary><c>--sbom</c> / <c>--attest type=sbom</c>: an SPDX SBOM, carried by the outputs that can carry one
    /// and otherwise kept in the store next to the image.</summary>
    public bool Sbom { get; init; }

    /// <summary><c>--provenance</c> / <c>--attest type=provenance</c>: kept for when provenance attestations are
    /// made; null when not asked for.</summary>
    public ProvenanceSpec? Provenance { get; init; }

    /// <summary><c>--annotation</c>: the image manifest has its own already; the outputs write the index and
    /// descriptor levels where they write an index or a descriptor.</summary>
    public ImageAnnotations Annotations { get; init; } = ImageAnnotations.None;

    /// <summary><c>--iidfile</c>: the image id is written here.</summary>
    public string? IidFile { get; init; }

    /// <summary><c>--metadata-file</c>: buildx's result metadata is written here.</summary>
    public string? MetadataFile { get; init; }
}

/// <summary>The back door of a build: the SBOM when one is asked for, each output's exporter in order, then the
/// attachments (the SBOM kept in the store when no output carried it, <c>--iidfile</c>, <c>--metadata-file</c>)
/// in one place, after the exports.</summary>
public sealed class BuildExport(LocalStore store, IExportProgress progress, string toolVersion)
{
    public Task RunAsync(StoredImage image, IReadOnlyList<ImageReference> tags, IReadOnlyList<IExporter> exporters, ExportAttachments attachments,
        DateTimeOffset? sourceDateEpoch, CancellationToken cancellationToken) =>
        RunAsync(image, null, tags, exporters, attachments, sourceDateEpoch, cancellationToken);

    /// <summary>Exports <paramref name="image"/>, or for a build for several platforms <paramref name="index"/> and
    /// its images (<paramref name="image"/> then is the host's, else the first).</summary>
    public async Task RunAsync(StoredImage image, StoredIndex? index, IReadOnlyList<ImageReference> tags, IReadOnlyList<IExporter> exporters,
        ExportAttachments attachments, DateTimeOffset? sourceDateEpoch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(exporters);
        ArgumentNullException.ThrowIfNull(attachments);
        IReadOnlyList<StoredImage> images = index?.Images ?? [image];
        var sboms = new Dictionary<Digest, SpdxDocument>();
        foreach (var each in images.Where(_ => attachments.Sbom))
        {
            sboms[each.ManifestDescriptor.Digest] = await SbomAsync(each, tags, sourceDateEpoch, cancellationToken).ConfigureAwait(false);
        }

        var sbom = sboms.GetValueOrDefault(image.ManifestDescriptor.Digest) ?? sboms.Values.FirstOrDefault();
        var source = new ExportSource(image, sbom)
        {
            Annotations = attachments.Annotations, Images = images, Index = index, Sboms = index is null || sboms.Count == 0 ? null : sboms,
        };
        Digest? pushed = null;
        foreach (var exporter in exporters)
        {
            pushed = await exporter.ExportAsync(source, cancellationToken).ConfigureAwait(false) ?? pushed;
        }

        // The build names a result the store gives no name <none> so that its blobs outlive the build until the outputs
        // have it; an image that went only to the outputs asked for (files, a registry, another engine) does not stay in
        // the store, as buildx leaves nothing in docker's images for `-o type=local` (the cache keeps its own blobs). A
        // no-op for a named image, which has no <none> name.
        if (exporters.Count > 0 && !exporters.Any(e => e is StoreExporter))
        {
            await new ImageStore(store).ForgetDanglingAsync(source.Top, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (digest, document) in sboms.Where(_ => !exporters.Any(e => e.CarriesSbom)))
        {
            await SbomGenerator.StoreAsync(store, digest, document, cancellationToken).ConfigureAwait(false);
        }

        if (attachments.IidFile is { } iid)
        {
            // buildx writes the config digest of one image, and the index's digest for several (no one config).
            await File.WriteAllTextAsync(iid, (index?.Descriptor.Digest ?? image.Id).Value, cancellationToken).ConfigureAwait(false);
        }

        if (attachments.MetadataFile is { } metadata)
        {
            var json = index is null ? BuildMetadata.Json(image, tags, pushed) : BuildMetadata.Json(index, tags, pushed);
            await File.WriteAllTextAsync(metadata, json, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<SpdxDocument> SbomAsync(StoredImage image, IReadOnlyList<ImageReference> tags, DateTimeOffset? sourceDateEpoch,
        CancellationToken cancellationToken)
    {
        var document = await SbomGenerator.GenerateAsync(store, image, tags.Count > 0 ? tags[0] : null, toolVersion,
            sourceDateEpoch ?? store.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        progress.OnDone($"generating sbom: {document.Packages.Count - 1} packages");
        return document;
    }
}
