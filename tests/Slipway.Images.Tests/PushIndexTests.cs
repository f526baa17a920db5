using System.Net;
using System.Text;
using Slipway.Images;
using Slipway.Oci;
using Slipway.Registry;
using Slipway.Store;
using Slipway.Store.Images;

namespace Slipway.Images.Tests;

/// <summary><c>push</c> of an index: every platform's manifest by digest, then the index under the tag, as buildx
/// pushes; an index missing a platform's manifest is refused before anything is sent.</summary>
public sealed class PushIndexTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("slipway-push-index-");

    public void Dispose() => _root.Delete(true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<StoredImage> ImageAsync(ImageStore images, string architecture)
    {
        var content = Encoding.UTF8.GetBytes("layer of " + architecture);
        var layer = await images.Store.Blobs.WriteAsync(MediaTypes.OciLayer, content, Ct);
        var config = await images.Store.Blobs.WriteAsync(MediaTypes.OciConfig, OciJson.Serialize(new ImageConfig
        {
            Architecture = architecture,
            Os = "linux",
            RootFs = new RootFs { DiffIds = [Digest.Compute(content)] },
        }), Ct);
        var manifest = await images.Store.Blobs.WriteAsync(MediaTypes.OciManifest,
            OciJson.Serialize(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = config, Layers = [layer] }), Ct);
        return await images.LoadAsync(manifest, Ct);
    }

    /// <summary>A registry that has every blob and takes every manifest, recording the manifest PUTs in order.</summary>
    private sealed class Registry : HttpMessageHandler
    {
        public List<(string Path, string? MediaType)> Manifests { get; } = [];

        public byte[] Last { get; private set; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (request.Method == HttpMethod.Put && path.Contains("/manifests/", StringComparison.Ordinal))
            {
                Manifests.Add((path, request.Content?.Headers.ContentType?.MediaType));
                Last = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            }

            return new HttpResponseMessage(request.Method == HttpMethod.Put ? HttpStatusCode.Created : HttpStatusCode.OK)
            {
                RequestMessage = request,
                Content = new ByteArrayContent([]),
            };
        }
    }

    [Fact]
    public async Task Every_platform_goes_by_digest_then_the_stored_index_under_the_tag()
    {
        var images = new ImageStore(LocalStore.Open(_root.FullName, TimeProvider.System));
        var index = await images.WriteIndexAsync([await ImageAsync(images, "amd64"), await ImageAsync(images, "arm64")], null, null, Ct);
        var registry = new Registry();
        using var clients = new RegistryClients(new RegistryClientOptions { TimeProvider = TimeProvider.System, MaxAttempts = 1 }, registry);

        var digest = await new ImagePusher(images, clients).PushIndexAsync(index, ImageReference.Parse("127.0.0.1:5000/multi:1"), null,
            ImageAnnotations.None, null, Ct);

        Assert.Equal(index.Id, digest);
        Assert.Equal(
        [
            ($"/v2/multi/manifests/{index.Images[0].ManifestDescriptor.Digest}", MediaTypes.OciManifest),
            ($"/v2/multi/manifests/{index.Images[1].ManifestDescriptor.Digest}", MediaTypes.OciManifest),
            ("/v2/multi/manifests/1", MediaTypes.OciIndex),
        ], registry.Manifests);
    }

    [Fact]
    public async Task An_index_missing_a_platform_is_refused_before_anything_is_sent()
    {
        var images = new ImageStore(LocalStore.Open(_root.FullName, TimeProvider.System));
        var index = await images.WriteIndexAsync([await ImageAsync(images, "amd64"), await ImageAsync(images, "arm64")], null, null, Ct);
        File.Delete(images.Store.Layout.BlobPath(index.Images[1].ManifestDescriptor.Digest));
        var partial = await images.LoadIndexAsync(index.Descriptor, Ct);
        var registry = new Registry();
        using var clients = new RegistryClients(new RegistryClientOptions { TimeProvider = TimeProvider.System, MaxAttempts = 1 }, registry);

        var error = await Assert.ThrowsAsync<ImageException>(() => new ImagePusher(images, clients).PushIndexAsync(partial,
            ImageReference.Parse("127.0.0.1:5000/multi:1"), null, ImageAnnotations.None, null, Ct));

        Assert.Contains("linux/arm64", error.Message, StringComparison.Ordinal);
        Assert.Empty(registry.Manifests);
    }

    [Fact]
    public async Task Attestations_are_pushed_and_listed_after_the_images_in_the_index()
    {
        var images = new ImageStore(LocalStore.Open(_root.FullName, TimeProvider.System));
        var amd = await ImageAsync(images, "amd64");
        var index = await images.WriteIndexAsync([amd, await ImageAsync(images, "arm64")], null, null, Ct);
        var statement = "{}"u8.ToArray();
        var attestation = AttestationManifest.Create(amd.ManifestDescriptor, Descriptor.For(AttestationManifest.InTotoMediaType, statement), statement);
        var registry = new Registry();
        using var clients = new RegistryClients(new RegistryClientOptions { TimeProvider = TimeProvider.System, MaxAttempts = 1 }, registry);

        await new ImagePusher(images, clients).PushIndexAsync(index, ImageReference.Parse("127.0.0.1:5000/multi:1"),
            new Dictionary<Digest, AttestationManifest> { [amd.ManifestDescriptor.Digest] = attestation }, ImageAnnotations.None, null, Ct);

        var pushed = OciJson.ParseIndex(registry.Last);
        Assert.Equal([amd.ManifestDescriptor.Digest, index.Images[1].ManifestDescriptor.Digest, attestation.Manifest.Digest],
            pushed.Manifests.Select(m => m.Digest));
        Assert.Contains(($"/v2/multi/manifests/{attestation.Manifest.Digest}", MediaTypes.OciManifest), registry.Manifests);
    }
}
