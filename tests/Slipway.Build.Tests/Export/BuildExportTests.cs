using System.Text.Json;
using Slipway.Build.Export;
using Slipway.Images;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Images;

namespace Slipway.Build.Tests.Export;

/// <summary>The back door without a registry or a build: exporters chosen from the outputs, run in order, and the
/// attachments written once they are done.</summary>
public sealed class BuildExportTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-export-");

    public void Dispose() => _dir.Delete(true);

    private string Sub(string name) => Path.Join(_dir.FullName, name);

    private static async Task<StoredImage> ImageAsync(LocalStore store)
    {
        var ct = TestContext.Current.CancellationToken;
        var config = new ImageConfig { Architecture = "amd64", Os = "linux", RootFs = new RootFs { DiffIds = [] } };
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = await store.Blobs.WriteAsync(MediaTypes.OciConfig, OciJson.Serialize(config), ct),
            Layers = [],
        };
        return new StoredImage(await store.Blobs.WriteAsync(MediaTypes.OciManifest, OciJson.Serialize(manifest), ct), manifest, config);
    }

    private sealed class Lines : IExportProgress
    {
        public List<string> Said { get; } = [];

        public void OnDone(string what) => Said.Add(what);

        public void OnWarning(string message) => Said.Add("WARNING " + message);
    }

    /// <summary>Records when it ran, so the order against the attachments shows.</summary>
    private sealed class Recorder(string name, List<string> log, Digest? pushed = null) : IExporter
    {
        public bool CarriesSbom => false;

        public Task<Digest?> ExportAsync(ExportSource source, CancellationToken cancellationToken)
        {
            log.Add(name);
            return Task.FromResult(pushed);
        }
    }

    [Fact]
    public void Each_output_gets_its_own_kind_of_exporter_in_order()
    {
        var store = LocalStore.Open(Sub("root"), TimeProvider.System);
        using var clients = new RegistryClients(new Slipway.Registry.RegistryClientOptions { TimeProvider = TimeProvider.System });
        var outputs = new[] { "type=image,name=a", "type=registry,name=b", "out", "-", "type=oci,dest=x.tar", "type=docker,dest=y.tar" }
            .Select(v => OutputSpec.TryParse(v, out var s, out _) ? s : throw new InvalidOperationException(v)).ToList();

        var exporters = Exporters.For(outputs, [], new ExportTargets(store, clients, _ => Stream.Null, new Lines()));

        Assert.Equal([typeof(StoreExporter), typeof(RegistryExporter), typeof(LocalExporter), typeof(StreamExporter), typeof(StreamExporter), typeof(StreamExporter)],
            exporters.Select(e => e.GetType()));
        Assert.Equal([false, true, true, false, false, false], exporters.Select(e => e.CarriesSbom));
    }

    [Fact]
    public async Task The_store_exporter_names_the_image_or_keeps_it_dangling()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = LocalStore.Open(Sub("root"), TimeProvider.System);
        var images = new ImageStore(store);
        var image = await ImageAsync(store);

        await new StoreExporter(images, [], keepDangling: true).ExportAsync(new ExportSource(image), ct);
        Assert.Equal(image.ManifestDescriptor.Digest, store.Refs.Resolve(NamedImage.DanglingPrefix + image.ManifestDescriptor.Digest.Value)?.Digest);

        var name = ImageReference.Parse("app:1");
        await new StoreExporter(images, [name], keepDangling: true).ExportAsync(new ExportSource(image), ct);
        Assert.Equal(image.ManifestDescriptor.Digest, store.Refs.Resolve(name.ToString())?.Digest);
    }

    [Fact]
    public async Task The_iidfile_and_metadata_are_written_after_every_output_with_the_pushed_digest()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = LocalStore.Open(Sub("root"), TimeProvider.System);
        var image = await ImageAsync(store);
        var log = new List<string>();
        var pushed = Digest.Compute("index"u8);
        var attachments = new ExportAttachments { IidFile = Sub("iid"), MetadataFile = Sub("metadata.json") };
        var tags = new[] { ImageReference.Parse("app:1") };

        await new BuildExport(store, new Lines(), "test").RunAsync(image, tags,
            [new Recorder("first", log), new Recorder("push", log, pushed), new Recorder("last", log)], attachments, null, ct);

        Assert.Equal(["first", "push", "last"], log);
        Assert.Equal(image.Id.Value, File.ReadAllText(Sub("iid")));
        using var metadata = JsonDocument.Parse(File.ReadAllText(Sub("metadata.json")));
        Assert.Equal(image.Id.Value, metadata.RootElement.GetProperty("containerimage.config.digest").GetString());
        Assert.Equal(pushed.Value, metadata.RootElement.GetProperty("containerimage.digest").GetString());
        Assert.Equal(image.ManifestDescriptor.Digest.Value, metadata.RootElement.GetProperty("containerimage.descriptor").GetProperty("digest").GetString());
        Assert.Equal("docker.io/library/app:1", metadata.RootElement.GetProperty("image.name").GetString());
    }

    [Fact]
    public async Task Without_a_push_the_metadata_names_the_image_manifest_and_no_name_is_written_for_an_untagged_image()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = LocalStore.Open(Sub("root"), TimeProvider.System);
        var image = await ImageAsync(store);

        await new BuildExport(store, new Lines(), "test").RunAsync(image, [], [], new ExportAttachments { MetadataFile = Sub("m.json") }, null, ct);

        using var metadata = JsonDocument.Parse(File.ReadAllText(Sub("m.json")));
        Assert.Equal(image.ManifestDescriptor.Digest.Value, metadata.RootElement.GetProperty("containerimage.digest").GetString());
        Assert.False(metadata.RootElement.TryGetProperty("image.name", out _));
        Assert.False(File.Exists(Sub("iid")));
    }

    [Fact]
    public async Task An_untagged_image_that_went_only_to_other_outputs_leaves_no_none_image_but_the_default_output_keeps_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = LocalStore.Open(Sub("root"), TimeProvider.System);
        var images = new ImageStore(store);
        var image = await ImageAsync(store);
        var dangling = NamedImage.DanglingPrefix + image.ManifestDescriptor.Digest.Value;
        await images.KeepDanglingAsync(image.ManifestDescriptor, ct);

        await new BuildExport(store, new Lines(), "test").RunAsync(image, [], [], new ExportAttachments(), null, ct);
        Assert.NotNull(store.Refs.Resolve(dangling));

        await new BuildExport(store, new Lines(), "test").RunAsync(image, [], [new Recorder("local", [])], new ExportAttachments(), null, ct);
        Assert.Null(store.Refs.Resolve(dangling));
    }
}
