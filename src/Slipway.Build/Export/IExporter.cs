using Slipway.Insight.Sbom;
using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Build.Export;

/// <summary>Sends a built image to one destination: the store, a registry, an archive, a directory.</summary>
public interface IExporter
{
    /// <summary>Whether the destination carries the SBOM itself (a pushed attestation, a file beside the
    /// filesystem); when none does, the SBOM is kept in the store instead.</summary>
    bool CarriesSbom { get; }

    /// <summary>Exports the image; returns the digest a registry now knows it by, for a push, else null.</summary>
    Task<Digest?> ExportAsync(ExportSource source, CancellationToken cancellationToken);
}

/// <summary>What is exported: the image in the store, and its SBOM when one was asked for. The names each exporter
/// gives it are its own (<see cref="Exporters"/>).</summary>
public sealed record ExportSource(StoredImage Image, SpdxDocument? Sbom = null)
{
    /// <summary><c>--annotation</c>s for an index and the descriptors an output writes (the manifest has its own).</summary>
    public ImageAnnotations Annotations { get; init; } = ImageAnnotations.None;

    /// <summary>Every platform's image, in the order asked; <see cref="Image"/> alone for a one-platform build.</summary>
    public IReadOnlyList<StoredImage> Images { get; init; } = [Image];

    /// <summary>The index of <see cref="Images"/> for a build for several platforms, else null.</summary>
    public StoredIndex? Index { get; init; }

    /// <summary>The SBOM of each platform's image by its manifest digest, for a build for several platforms.</summary>
    public IReadOnlyDictionary<Digest, SpdxDocument>? Sboms { get; init; }

    /// <summary>The SBOM of one of <see cref="Images"/>, when SBOMs were asked for.</summary>
    public SpdxDocument? SbomOf(StoredImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Sboms is not null && Sboms.TryGetValue(image.ManifestDescriptor.Digest, out var sbom) ? sbom
            : image.ManifestDescriptor.Digest == Image.ManifestDescriptor.Digest ? Sbom : null;
    }

    /// <summary>What the store and a registry name: the index when there is one, else the image's manifest.</summary>
    public Descriptor Top => Index?.Descriptor ?? Image.ManifestDescriptor;
}

/// <summary>What exporting reports as it goes: a part that is done (BuildKit's <c>#0 … done</c> lines) and
/// warnings.</summary>
public interface IExportProgress
{
    void OnDone(string what);

    void OnWarning(string message);
}
