using System.Text;
using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Store.Tests.Images;

/// <summary>Indexes (multi-platform images) in the store: written deterministically, loaded partial, narrowed to a
/// platform as docker's containerd image store does.</summary>
public sealed class ImageIndexTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ImageStore Images => new(_temp.Store);

    private static readonly Platform Other = Platform.Host.Architecture == "s390x" ? Platform.Linux("ppc64le") : Platform.Linux("s390x");

    /// <summary>A one-layer image of <paramref name="platform"/>, unnamed.</summary>
    internal static async Task<StoredImage> ImageAsync(ImageStore images, Platform platform, string seed = "")
    {
        var blobs = images.Store.Blobs;
        var content = Encoding.UTF8.GetBytes("layer " + platform + seed);
        var layer = await blobs.WriteAsync(MediaTypes.OciLayer, content, Ct);
        var config = await blobs.WriteAsync(MediaTypes.OciConfig, OciJson.Serialize(new ImageConfig
        {
            Architecture = platform.Architecture,
            Os = platform.Os,
            Variant = platform.Variant,
            RootFs = new RootFs { DiffIds = [Digest.Compute(content)] },
        }), Ct);
        var manifest = await blobs.WriteAsync(MediaTypes.OciManifest,
            OciJson.Serialize(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = config, Layers = [layer] }), Ct);
        return await images.LoadAsync(manifest, Ct);
    }

    [Fact]
    public async Task An_index_lists_each_image_with_its_platform_in_the_order_given_and_the_same_input_gives_the_same_bytes()
    {
        var host = await ImageAsync(Images, Platform.Host);
        var other = await ImageAsync(Images, Other);
        var annotations = new Dictionary<string, string> { ["z"] = "1", ["a"] = "2" };

        var first = await Images.WriteIndexAsync([host, other], annotations, null, Ct);
        var second = await Images.WriteIndexAsync([host, other], new Dictionary<string, string> { ["a"] = "2", ["z"] = "1" }, null, Ct);

        Assert.Equal(first.Descriptor.Digest, second.Descriptor.Digest);
        Assert.Equal(MediaTypes.OciIndex, first.Descriptor.MediaType);
        Assert.Equal([Platform.Host.ToString(), Other.ToString()], first.Index.Manifests.Select(m => m.Platform!.ToString()));
        Assert.Equal([host.ManifestDescriptor.Digest, other.ManifestDescriptor.Digest], first.Images.Select(i => i.ManifestDescriptor.Digest));
        Assert.Equal(["a", "z"], first.Index.Annotations!.Keys);
        Assert.True(_temp.Blobs.Exists(first.Id));
    }

    [Fact]
    public async Task An_index_written_under_a_lease_is_held_by_it()
    {
        var host = await ImageAsync(Images, Platform.Host);
        using var lease = _temp.Store.CreateLease();

        var index = await Images.WriteIndexAsync([host], null, lease, Ct);

        Assert.Contains(index.Id, lease.Digests);
    }

    [Fact]
    public async Task Loading_an_index_gives_the_stored_images_and_leaves_out_absent_ones_and_attestations()
    {
        var host = await ImageAsync(Images, Platform.Host);
        var absent = Descriptor.For(MediaTypes.OciManifest, "not pulled"u8) with { Platform = Other };
        var attestation = await ImageAsync(Images, new Platform { Os = "unknown", Architecture = "unknown" }, "att");
        var index = await _temp.Blobs.WriteAsync(MediaTypes.OciIndex, OciJson.Serialize(new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests =
            [
                host.ManifestDescriptor with { Platform = Platform.Host }, absent,
                attestation.ManifestDescriptor with
                {
                    Platform = new Platform { Os = "unknown", Architecture = "unknown" },
                    Annotations = new Dictionary<string, string> { [AttestationManifest.ReferenceTypeAnnotation] = AttestationManifest.AttestationManifestType },
                },
            ],
        }), Ct);

        var stored = await Images.LoadIndexAsync(index, Ct);

        Assert.Equal([host.ManifestDescriptor.Digest], stored.Images.Select(i => i.ManifestDescriptor.Digest));
        Assert.Equal(2, stored.PlatformManifests.Count);
        Assert.False(stored.Holds(absent));
        Assert.Equal($"{Platform.Host}, {Other} (not stored)", ImageStore.DescribePlatforms(stored));
    }

    [Fact]
    public async Task Loading_an_index_picks_the_platform_asked_for_and_the_host_by_default()
    {
        var other = await ImageAsync(Images, Other);
        var host = await ImageAsync(Images, Platform.Host);
        var index = await Images.WriteIndexAsync([other, host], null, null, Ct);

        Assert.Equal(host.Id, (await Images.LoadAsync(index.Descriptor, null, Ct)).Id);
        Assert.Equal(other.Id, (await Images.LoadAsync(index.Descriptor, Other, Ct)).Id);
        Assert.Equal(host.Id, (await Images.LoadAsync(index.Descriptor, Ct)).Id);
    }

    [Fact]
    public async Task Without_the_host_platform_the_first_stored_image_is_taken_unless_a_platform_is_asked_for()
    {
        var other = await ImageAsync(Images, Other);
        var index = await Images.WriteIndexAsync([other], null, null, Ct);

        Assert.Equal(other.Id, (await Images.LoadAsync(index.Descriptor, null, Ct)).Id);
        var error = await Assert.ThrowsAsync<ImageException>(() => Images.LoadAsync(index.Descriptor, Platform.Linux("riscv64"), Ct));
        Assert.Contains("linux/riscv64", error.Message, StringComparison.Ordinal);
        Assert.Contains($"it has {Other}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_is_loaded_whatever_platform_is_asked_for()
    {
        var other = await ImageAsync(Images, Other);

        Assert.Equal(other.Id, (await Images.LoadAsync(other.ManifestDescriptor, Platform.Host, Ct)).Id);
    }

    [Fact]
    public async Task An_index_whose_descriptor_names_no_media_type_is_still_read_as_an_index()
    {
        var host = await ImageAsync(Images, Platform.Host);
        var index = await Images.WriteIndexAsync([host], null, null, Ct);

        var image = await Images.LoadAsync(index.Descriptor with { MediaType = "application/octet-stream" }, null, Ct);

        Assert.Equal(host.Id, image.Id);
    }

    [Fact]
    public async Task Collection_keeps_the_stored_images_of_a_partial_index_and_a_check_finds_it_whole()
    {
        var host = await ImageAsync(Images, Platform.Host);
        var other = await ImageAsync(Images, Other);
        var index = await Images.WriteIndexAsync([host, other], null, null, Ct);
        File.Delete(_temp.Store.Layout.BlobPath(other.ManifestDescriptor.Digest));
        await _temp.Store.Refs.SetAsync("example.com/multi:1", index.Descriptor, Ct);

        var result = await _temp.Store.CollectGarbageAsync(cancellationToken: Ct);
        var check = await new StoreVerifier(_temp.Store).CheckAsync(false, null, Ct);

        Assert.True(_temp.Blobs.Exists(host.ManifestDescriptor.Digest));
        Assert.True(_temp.Blobs.Exists(host.Manifest.Layers[0].Digest));
        Assert.Contains(other.Manifest.Config.Digest, result.RemovedBlobs);
        Assert.Empty(check.Problems);
    }
}
