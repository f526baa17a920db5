using System.Formats.Tar;
using System.Text;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Images;

namespace Slipway.Insight.Tests;

/// <summary>The scan's answer is data: warnings as they are found, what must fail the build returned; the engine
/// decides what a failure is.</summary>
public sealed class SecretScannerTests : IDisposable
{
    private const string Token = "s3cr3t-t0ken-value";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-secret-scan-");
    private readonly LocalStore _store;

    public SecretScannerTests() => _store = LocalStore.Open(Path.Join(_dir.FullName, "root"), TimeProvider.System);

    public void Dispose() => _dir.Delete(true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SecretScanOptions Secret(string value, SecretScanMode mode = SecretScanMode.Off) =>
        new(new Dictionary<string, byte[]> { ["token"] = Encoding.UTF8.GetBytes(value) }, mode);

    private async Task<StoredImage> ImageAsync(params string[] layerContents)
    {
        var layers = new List<Descriptor>();
        foreach (var content in layerContents)
        {
            var tar = new MemoryStream();
            using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "app/config") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
            }

            layers.Add(await _store.Blobs.WriteAsync(MediaTypes.OciLayer, tar.ToArray(), Ct));
        }

        var config = new ImageConfig
        {
            Architecture = "amd64",
            Os = "linux",
            RootFs = new RootFs { DiffIds = [.. layers.Select(l => l.Digest)] },
        };
        var configDescriptor = await _store.Blobs.WriteAsync(MediaTypes.OciConfig, OciJson.Serialize(config), Ct);
        var manifest = new ImageManifest { MediaType = MediaTypes.OciManifest, Config = configDescriptor, Layers = layers };
        var manifestDescriptor = await _store.Blobs.WriteAsync(MediaTypes.OciManifest, OciJson.Serialize(manifest), Ct);
        return new StoredImage(manifestDescriptor, manifest, config);
    }

    [Fact]
    public async Task A_secret_in_a_layer_the_build_made_is_returned_with_where_it_is()
    {
        var image = await ImageAsync("key=" + Token);

        var result = await SecretScanner.ScanAsync(_store, image, new HashSet<Digest>(), Secret(Token), _ => { }, Ct);

        var error = Assert.Single(result.Errors);
        Assert.Equal($"secret \"token\" found in layer 0 ({image.Manifest.Layers[0].Digest}) at /app/config", error);
        Assert.StartsWith("the image holds secrets, so it was not tagged:\n  " + error + "\n", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Layers_of_the_base_images_are_not_scanned()
    {
        var image = await ImageAsync("key=" + Token, "nothing here");

        var result = await SecretScanner.ScanAsync(_store, image, new HashSet<Digest> { image.Manifest.Layers[0].Digest }, Secret(Token), _ => { }, Ct);

        Assert.True(result.IsClean);
    }

    [Fact]
    public async Task A_secret_too_short_to_scan_for_is_a_warning_not_a_failure()
    {
        var image = await ImageAsync("abc");
        var warnings = new List<string>();

        var result = await SecretScanner.ScanAsync(_store, image, new HashSet<Digest>(), Secret("abc"), warnings.Add, Ct);

        Assert.True(result.IsClean);
        Assert.Equal(["secret token is shorter than 4 bytes: not scanned for leaks into the image"], warnings);
    }
}
