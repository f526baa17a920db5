using System.Formats.Tar;
using System.Net;
using System.Text;
using Slipway.Images;
using Slipway.Oci;
using Slipway.Registry;
using Slipway.Store;
using Slipway.Store.Images;

namespace Slipway.Images.Tests;

/// <summary>An image config is read whole by every images, build and inspect: one over the cap is refused when it
/// is pulled or loaded, and never read from the store.</summary>
public sealed class ConfigLimitTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("slipway-config-limit-");

    public void Dispose() => _root.Delete(true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] ConfigOfSize(int size)
    {
        var head = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"padding\":\""u8.ToArray();
        var tail = "\"}"u8.ToArray();
        return [.. head, .. Enumerable.Repeat((byte)'a', size - head.Length - tail.Length), .. tail];
    }

    private static MemoryStream DockerArchive(byte[] config)
    {
        var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "config.json") { DataStream = new MemoryStream(config) });
            var manifest = """[{"Config":"config.json","RepoTags":["big:1"],"Layers":[]}]"""u8.ToArray();
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json") { DataStream = new MemoryStream(manifest) });
        }

        buffer.Position = 0;
        return buffer;
    }

    [Fact]
    public async Task Loading_an_archive_whose_config_is_over_8_MiB_is_refused()
    {
        var images = new ImageStore(LocalStore.Open(_root.FullName, TimeProvider.System));
        var config = ConfigOfSize(ImageStore.MaxConfigBytes + 1);

        var error = await Assert.ThrowsAsync<ImageException>(() =>
            new ArchiveLoader(images).LoadAsync(DockerArchive(config), Platform.Parse("linux/amd64"), Ct));

        Assert.Equal($"image config {Digest.Compute(config)} is {config.Length} bytes, more than the 8 MiB allowed", error.Message);
        Assert.Empty(images.Store.Refs.List());
    }

    [Fact]
    public async Task A_config_at_the_limit_loads()
    {
        var images = new ImageStore(LocalStore.Open(_root.FullName, TimeProvider.System));
        var loaded = await new ArchiveLoader(images).LoadAsync(DockerArchive(ConfigOfSize(64 * 1024)), Platform.Parse("linux/amd64"), Ct);
        Assert.Equal(["Loaded image: big:1"], loaded);
        Assert.Single(await images.ListAsync(Ct));
    }

    [Fact]
    public async Task Images_skips_a_stored_image_whose_config_is_over_the_limit_without_reading_it()
    {
        var store = LocalStore.Open(_root.FullName, TimeProvider.System);
        var images = new ImageStore(store);
        var big = await store.Blobs.WriteAsync(MediaTypes.OciConfig, ConfigOfSize(ImageStore.MaxConfigBytes + 1), Ct);
        var manifest = await store.Blobs.WriteAsync(MediaTypes.OciManifest,
            OciJson.Serialize(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = big, Layers = [] }), Ct);
        await store.Refs.SetAsync("docker.io/library/big:1", manifest, Ct);

        Assert.Empty(await images.ListAsync(Ct));
        var error = await Assert.ThrowsAsync<ImageException>(() => images.FindAsync("big:1", Ct));
        Assert.Contains("more than the 8 MiB allowed", error.Message, StringComparison.Ordinal);
        Assert.Equal(["Untagged: big:1"], await images.RemoveAsync("big:1", force: false, Ct));
        Assert.Empty(store.Refs.List());
    }

    [Fact]
    public async Task A_pull_whose_manifest_declares_a_400_MB_config_stops_before_downloading_it()
    {
        var configDigest = Digest.Compute("never served"u8);
        var manifest = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"{{MediaTypes.OciConfig}}","digest":"{{configDigest}}","size":400000000},"layers":[]}
            """);
        var transport = new Answering(request =>
            request.RequestUri!.AbsolutePath.Contains("/manifests/", StringComparison.Ordinal)
                ? new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new ByteArrayContent(manifest) { Headers = { ContentType = new(MediaTypes.OciManifest) } },
                }
                : new HttpResponseMessage(HttpStatusCode.OK));
        using var clients = new RegistryClients(new RegistryClientOptions { TimeProvider = TimeProvider.System, MaxAttempts = 1 }, transport);
        var images = new ImageStore(LocalStore.Open(_root.FullName, TimeProvider.System));

        var error = await Assert.ThrowsAsync<ImageException>(() => new ImagePuller(images, clients)
            .PullAsync(ImageReference.Parse("127.0.0.1:5000/big:1"), Platform.Parse("linux/amd64"), null, Ct));

        Assert.Equal($"image config {configDigest} is 400000000 bytes, more than the 8 MiB allowed", error.Message);
        Assert.DoesNotContain(transport.Paths, p => p.Contains("/blobs/", StringComparison.Ordinal));
    }

    private sealed class Answering(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<string> Paths { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Paths.Add(request.RequestUri!.AbsolutePath);
            var response = answer(request);
            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }
}
