using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Slipway.Integration.Tests.Fixtures;
using Slipway.Oci;
using Slipway.Testing;

namespace Slipway.Integration.Tests.Build;

/// <summary>Issue 12: content in the store is what its name says. A layer that claims another layer's diffID never
/// becomes that layer's snapshot.</summary>
public sealed class StoreIntegrityTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static void RequireBuild()
    {
        Capability.RequireRoot();
        Capability.RequireTool("runc");
    }

    private string Context(string dockerfile)
    {
        var dir = Directory.CreateDirectory(Path.Join(_temp.Path, "ctx-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        File.WriteAllText(Path.Join(dir, "Dockerfile"), dockerfile);
        return dir;
    }

    /// <summary>Loads the busybox fixture layout as <paramref name="tag"/>.</summary>
    private async Task LoadBusyboxAsync(SlipwayRunner runner, string tag)
    {
        var archive = Path.Join(_temp.Path, "busybox-" + Guid.NewGuid().ToString("N")[..8] + ".tar");
        await TarFile.CreateFromDirectoryAsync(await BaseImages.GetAsync("busybox", Token), archive, includeBaseDirectory: false, Token);
        var loaded = await runner.OkAsync("load", "-i", archive);
        var id = loaded.Output.Split('\n').First(l => l.StartsWith("Loaded image ID: ", StringComparison.Ordinal))["Loaded image ID: ".Length..];
        await runner.OkAsync("tag", id, tag);
    }

    /// <summary>An OCI layout archive of busybox's own config (so it claims busybox's real diffID) over a layer that
    /// is busybox plus <c>/POISONED</c>. Returns the archive and the poisoned layer's digest.</summary>
    private async Task<(string Archive, Digest Layer)> PoisonedArchiveAsync(string tag)
    {
        var source = await BaseImages.GetAsync("busybox", Token);
        var index = OciJson.ParseIndex(await File.ReadAllBytesAsync(Path.Join(source, "index.json"), Token));
        var manifestBytes = await File.ReadAllBytesAsync(Blob(source, index.Manifests[0].Digest), Token);
        var manifest = OciJson.ParseManifest(manifestBytes);
        Assert.Single(manifest.Layers);

        using var tar = new MemoryStream();
        await using (var from = new GZipStream(File.OpenRead(Blob(source, manifest.Layers[0].Digest)), CompressionMode.Decompress))
        using (var reader = new TarReader(from))
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            while (await reader.GetNextEntryAsync(copyData: true, Token) is { } entry)
            {
                await writer.WriteEntryAsync(entry, Token);
            }

            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "POISONED")
            {
                Mode = (UnixFileMode)0x1A4,
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes("poison\n")),
            }, Token);
        }

        using var gz = new MemoryStream();
        await using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            await zip.WriteAsync(tar.ToArray(), Token);
        }

        var dir = Directory.CreateDirectory(Path.Join(_temp.Path, "poisoned")).FullName;
        var blobs = Directory.CreateDirectory(Path.Join(dir, "blobs", "sha256")).FullName;
        var layer = Descriptor.For(MediaTypes.OciLayerGzip, gz.ToArray());
        await File.WriteAllBytesAsync(Path.Join(blobs, layer.Digest.Hex), gz.ToArray(), Token);
        File.Copy(Blob(source, manifest.Config.Digest), Path.Join(blobs, manifest.Config.Digest.Hex));
        var poisonedManifest = OciJson.Serialize(manifest with { Layers = [layer] });
        var manifestDescriptor = Descriptor.For(MediaTypes.OciManifest, poisonedManifest);
        await File.WriteAllBytesAsync(Path.Join(blobs, manifestDescriptor.Digest.Hex), poisonedManifest, Token);
        await File.WriteAllTextAsync(Path.Join(dir, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""", Token);
        await File.WriteAllBytesAsync(Path.Join(dir, "index.json"), OciJson.Serialize(new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests = [manifestDescriptor with { Annotations = new Dictionary<string, string> { ["io.containerd.image.name"] = tag } }],
        }), Token);

        var archive = Path.Join(_temp.Path, "poisoned.tar");
        await TarFile.CreateFromDirectoryAsync(dir, archive, includeBaseDirectory: false, Token);
        return (archive, layer.Digest);
    }

    private static string Blob(string layout, Digest digest) => Path.Join(layout, "blobs", digest.Algorithm, digest.Hex);

    [Fact]
    public async Task A_layer_claiming_busyboxs_diff_id_fails_naming_the_layer_and_never_poisons_builds_from_genuine_busybox()
    {
        RequireBuild();
        using var runner = new SlipwayRunner();
        var (archive, poisonedLayer) = await PoisonedArchiveAsync("docker.io/library/poisoned:1");
        await runner.OkAsync("load", "-i", archive);
        await LoadBusyboxAsync(runner, "genuine:1");

        // The poisoned image is unpacked first: before the fix its tree became busybox's snapshot.
        var failed = await runner.RunAsync("build", "--progress", "plain", Context("FROM poisoned:1\nRUN true\n"));
        Assert.Equal(1, failed.Exit);
        Assert.Contains($"layer {poisonedLayer} does not match its diffID", failed.Error, StringComparison.Ordinal);

        await runner.OkAsync("build", "--progress", "plain", "-t", "from-genuine:1",
            Context("FROM genuine:1\nRUN test ! -e /POISONED && echo clean > /clean\n"));
    }

    /// <summary>Flips one byte in the middle of a stored blob, keeping its size.</summary>
    internal static void Flip(string root, Digest digest)
    {
        var path = Path.Join(root, "blobs", "sha256", digest.Hex);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public async Task Pull_fetches_a_layer_again_whose_local_copy_is_corrupt_instead_of_saying_it_already_exists()
    {
        Capability.RequireTool("docker-registry");
        await using var registry = await RegistryFixture.StartAsync(RegistryAuthMode.Anonymous, cancellationToken: Token);
        var layer = FakeLayer.Of(("a.txt", Encoding.UTF8.GetBytes(new string('a', 10_000))));
        using (var client = RemoteImages.Client(registry.Host))
        {
            var manifest = await RemoteImages.PushImageAsync(client, "test/corrupt", Platform.Host.Architecture, [layer], cancellationToken: Token);
            await RemoteImages.TagAsync(client, "test/corrupt", "1", manifest, Token);
        }

        using var runner = new SlipwayRunner();
        var reference = $"{registry.Host}/test/corrupt:1";
        await runner.OkAsync("pull", reference);
        Flip(runner.Root, layer.Digest);

        var again = await runner.OkAsync("pull", reference);

        Assert.Contains($"{layer.Digest.ShortHex}: Pull complete", again.Output, StringComparison.Ordinal);
        StoreCheck.AssertConsistent(runner.Root);
    }

    [Fact]
    public async Task Save_refuses_an_image_whose_layer_blob_is_corrupt_and_leaves_no_archive()
    {
        Capability.RequireTool("busybox");
        using var runner = new SlipwayRunner();
        await runner.OkAsync("import", Rootfs.MakeBusybox(_temp.Path), "corrupt-save:1");
        var store = Slipway.Store.LocalStore.Open(runner.Root, TimeProvider.System);
        var image = OciJson.ParseManifest(File.ReadAllBytes(store.Layout.BlobPath(store.Refs.List().Single().Value.Digest)));
        Flip(runner.Root, image.Layers[0].Digest);
        var archive = Path.Join(_temp.Path, "saved.tar");

        var result = await runner.RunAsync("save", "-o", archive, "corrupt-save:1");

        Assert.Equal(1, result.Exit);
        Assert.Contains($"blob {image.Layers[0].Digest} in the content store is corrupt", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(archive));
    }

    [Fact]
    public async Task Fsck_finds_a_corrupt_layer_and_an_unverified_snapshot_repair_removes_them_and_the_next_build_restores_them()
    {
        RequireBuild();
        using var runner = new SlipwayRunner();
        await runner.OkAsync("import", Rootfs.MakeBusybox(_temp.Path), "fsck-base:1");
        var context = Context("FROM fsck-base:1\nRUN echo hi > /hi\n");
        await runner.OkAsync("build", "--progress", "plain", "-t", "fsck-built:1", context);
        var clean = await runner.RunAsync("fsck");
        Assert.True(clean.Exit == 0, clean.Output + clean.Error);
        Assert.Equal("", clean.Output);

        var store = Slipway.Store.LocalStore.Open(runner.Root, TimeProvider.System);
        var built = store.Refs.List().Single(r => r.Key.Contains("fsck-built", StringComparison.Ordinal)).Value;
        var runLayer = OciJson.ParseManifest(File.ReadAllBytes(store.Layout.BlobPath(built.Digest))).Layers[^1].Digest;
        Flip(runner.Root, runLayer);
        var snapshot = Directory.EnumerateDirectories(store.Layout.Snapshots).First();
        File.Delete(Path.Join(snapshot, Slipway.Store.StoreLayout.SnapshotVerifiedFile));

        var found = await runner.RunAsync("fsck");
        Assert.Equal(1, found.Exit);
        Assert.Contains($"blob {runLayer} corrupt: its content hashes to ", found.Output, StringComparison.Ordinal);
        Assert.Contains($"ref docker.io/library/fsck-built:1 incomplete: layer {runLayer} is corrupt", found.Output, StringComparison.Ordinal);
        Assert.Contains($"snapshot sha256:{Path.GetFileName(snapshot)} unverified", found.Output, StringComparison.Ordinal);

        var repaired = await runner.RunAsync("fsck", "--repair");
        Assert.True(repaired.Exit == 0, repaired.Output + repaired.Error);
        Assert.False(Directory.Exists(snapshot));

        await runner.OkAsync("build", "--progress", "plain", "-t", "fsck-built:1", context);
        var after = await runner.RunAsync("fsck");
        Assert.True(after.Exit == 0, after.Output + after.Error);
        StoreCheck.AssertConsistent(runner.Root);
        Assert.Equal("hi", (await runner.OkAsync("run", "--rm", "fsck-built:1", "cat", "/hi")).Output.Trim());
    }
}
