using Slipway.Oci;

namespace Slipway.Store.Images;

/// <summary>An image in the store: the manifest a name points at, and the config it names.</summary>
public sealed record StoredImage(Descriptor ManifestDescriptor, ImageManifest Manifest, ImageConfig Config)
{
    /// <summary>Docker's IMAGE ID: the config digest.</summary>
    public Digest Id => Manifest.Config.Digest;

    /// <summary>The bytes the image occupies in the store and on the wire: config plus compressed layers. Docker's SIZE
    /// is the unpacked size instead (<see cref="ImageStore.UnpackedSizeAsync"/>).</summary>
    public long CompressedSize => Manifest.Config.Size + Manifest.Layers.Sum(l => l.Size);

    /// <summary>The layers bottom-most first, each with its diffID from the config (the store checks on load that
    /// the two lists match).</summary>
    public IReadOnlyList<LayerRef> Layers => [.. Manifest.Layers.Select((l, i) => new LayerRef(l, Config.RootFs.DiffIds[i]))];
}

/// <summary>A name in the store and the image it points at: for a name of an index, <see cref="Image"/> is the host
/// platform's image (else the first stored) and <see cref="Index"/> the index.</summary>
public sealed record NamedImage(string Name, StoredImage Image)
{
    /// <summary>The index the name points at; null for a name of a single manifest.</summary>
    public StoredIndex? Index { get; init; }

    /// <summary>Docker's IMAGE ID: the index digest for an index (as docker's containerd image store shows it), the
    /// config digest for a manifest.</summary>
    public Digest Id => Index?.Id ?? Image.Id;

    /// <summary>What the name points at: the index, or the manifest.</summary>
    public Descriptor Target => Index?.Descriptor ?? Image.ManifestDescriptor;

    /// <summary>The ids of the platform images the name stands for (containers record these).</summary>
    public IEnumerable<Digest> ImageIds => Index is { } index ? index.Images.Select(i => i.Id) : [Image.Id];

    /// <summary>The prefix of the ref that keeps an unnamed image (<c>&lt;none&gt;:&lt;none&gt;</c>) alive.</summary>
    public const string DanglingPrefix = "<none>@";

    /// <summary>The prefix of the ref by which a container (<c>&lt;container&gt;@&lt;id&gt;</c>) keeps the image it
    /// was made from, and so its blobs, while the container exists: never listed as a name.</summary>
    public const string ContainerPrefix = "<container>@";

    public bool IsDangling => Name.StartsWith(DanglingPrefix, StringComparison.Ordinal);

    /// <summary>The name as a reference; null for a dangling image.</summary>
    public ImageReference? Reference => IsDangling ? null : ImageReference.Parse(Name);
}

/// <summary>What <see cref="ImageStore.FindImageAsync"/> found: the name used (null when found by id), the image for
/// the platform asked for, and the index when the name or id is an index's.</summary>
public sealed record FoundImage(string? Name, StoredImage Image, StoredIndex? Index)
{
    public Digest Id => Index?.Id ?? Image.Id;

    public Descriptor Target => Index?.Descriptor ?? Image.ManifestDescriptor;
}
