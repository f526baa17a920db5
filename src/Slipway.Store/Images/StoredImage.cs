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

/// <summary>A name in the store and the image it points at.</summary>
public sealed record NamedImage(string Name, StoredImage Image)
{
    /// <summary>The prefix of the ref that keeps an unnamed image (<c>&lt;none&gt;:&lt;none&gt;</c>) alive.</summary>
    public const string DanglingPrefix = "<none>@";

    /// <summary>The prefix of the ref by which a container (<c>&lt;container&gt;@&lt;id&gt;</c>) keeps the image it
    /// was made from, and so its blobs, while the container exists: never listed as a name.</summary>
    public const string ContainerPrefix = "<container>@";

    public bool IsDangling => Name.StartsWith(DanglingPrefix, StringComparison.Ordinal);

    /// <summary>The name as a reference; null for a dangling image.</summary>
    public ImageReference? Reference => IsDangling ? null : ImageReference.Parse(Name);
}
