using System.Text;
using Slipway.Oci;

namespace Slipway.Store.Tests;

/// <summary><c>slipway fsck</c>'s checks: blobs against their digests, snapshots against the record of their
/// verification, refs against the content they need; and the repair that removes what is bad.</summary>
public sealed class StoreVerifierTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private LocalStore Store => _temp.Store;

    private Task<StoreCheckResult> CheckAsync(bool repair = false) => new StoreVerifier(Store).CheckAsync(repair, null, Token);

    /// <summary>A one-layer image named <paramref name="name"/>; returns its manifest.</summary>
    private async Task<ImageManifest> ImageAsync(string name, string content = "layer")
    {
        var layer = await Store.Blobs.WriteAsync(MediaTypes.OciLayerGzip, Encoding.UTF8.GetBytes(content), Token);
        var config = await Store.Blobs.WriteAsync(MediaTypes.OciConfig, Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux"}"""), Token);
        var manifest = new ImageManifest { MediaType = MediaTypes.OciManifest, Config = config, Layers = [layer] };
        var descriptor = await Store.Blobs.WriteAsync(MediaTypes.OciManifest, OciJson.Serialize(manifest), Token);
        await Store.Refs.SetAsync(name, descriptor, Token);
        return manifest;
    }

    private void Flip(Digest digest)
    {
        var path = Store.Layout.BlobPath(digest);
        var bytes = File.ReadAllBytes(path);
        bytes[0] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }

    private string Snapshot(Digest diffId, string? record)
    {
        var dir = Path.Join(Store.Layout.Snapshots, diffId.Hex);
        Directory.CreateDirectory(Path.Join(dir, StoreLayout.SnapshotTree, "bin"));
        if (record is not null)
        {
            File.WriteAllText(Path.Join(dir, StoreLayout.SnapshotVerifiedFile), record + "\n");
        }

        return dir;
    }

    [Fact]
    public async Task A_whole_store_has_no_problems()
    {
        await ImageAsync("docker.io/library/a:1");
        Snapshot(Digest.Compute("tree"u8), Digest.Compute("tree"u8).Value);

        var result = await CheckAsync();

        Assert.Equal((3, 1, 1), (result.Blobs, result.Snapshots, result.Refs));
        Assert.Empty(result.Problems);
        Assert.True(result.Clean);
    }

    [Fact]
    public async Task A_corrupt_layer_blob_is_reported_with_the_digest_its_content_has_and_so_is_the_image_using_it()
    {
        var manifest = await ImageAsync("docker.io/library/a:1");
        Flip(manifest.Layers[0].Digest);

        var result = await CheckAsync();

        Assert.Equal(
            [
                $"blob {manifest.Layers[0].Digest} corrupt: its content hashes to {Digest.Compute("mayer"u8)}",
                $"ref docker.io/library/a:1 incomplete: layer {manifest.Layers[0].Digest} is corrupt",
            ],
            result.Problems.Select(p => p.ToString()));
        Assert.False(result.Clean);
    }

    [Fact]
    public async Task Repair_removes_the_corrupt_blob_and_the_broken_name_and_leaves_a_clean_store()
    {
        var manifest = await ImageAsync("docker.io/library/a:1");
        await ImageAsync("docker.io/library/b:1", "other layer");
        Flip(manifest.Layers[0].Digest);

        var result = await CheckAsync(repair: true);

        Assert.True(result.Clean);
        Assert.All(result.Problems, p => Assert.EndsWith("; removed", p.ToString(), StringComparison.Ordinal));
        Assert.False(Store.Blobs.Exists(manifest.Layers[0].Digest));
        Assert.Equal(["docker.io/library/b:1"], Store.Refs.List().Keys);
        Assert.Empty((await CheckAsync()).Problems);
    }

    [Fact]
    public async Task A_name_whose_manifest_or_config_is_missing_is_incomplete()
    {
        var manifest = await ImageAsync("docker.io/library/a:1");
        File.Delete(Store.Layout.BlobPath(manifest.Config.Digest));
        await Store.Refs.SetAsync("docker.io/library/gone:1", new Descriptor
        {
            MediaType = MediaTypes.OciManifest,
            Digest = Digest.Compute("nothing"u8),
            Size = 7,
        }, Token);

        var result = await CheckAsync();

        Assert.Equal(
            [
                $"ref docker.io/library/a:1 incomplete: config {manifest.Config.Digest} is missing",
                $"ref docker.io/library/gone:1 incomplete: manifest {Digest.Compute("nothing"u8)} is missing",
            ],
            result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public async Task A_snapshot_without_the_record_of_its_verification_or_with_another_diff_id_is_reported_and_repair_removes_it()
    {
        var unverified = Digest.Compute("old"u8);
        var mislabelled = Digest.Compute("mislabelled"u8);
        var good = Digest.Compute("good"u8);
        Snapshot(unverified, null);
        Snapshot(mislabelled, good.Value);
        Snapshot(good, good.Value);

        var found = await CheckAsync();
        var repaired = await CheckAsync(repair: true);

        Assert.Equal(
            [
                $"snapshot {mislabelled} mislabelled: its record says {good}",
                $"snapshot {unverified} unverified: no record that its content was checked against its diffID (made before verification)",
            ],
            found.Problems.Select(p => p.ToString()).Order(StringComparer.Ordinal));
        Assert.True(repaired.Clean);
        Assert.Equal([good.Hex], Directory.EnumerateDirectories(Store.Layout.Snapshots).Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_unpack_in_progress_is_not_a_problem()
    {
        var dir = Path.Join(Store.Layout.Snapshots, Digest.Compute("busy"u8).Hex);
        Directory.CreateDirectory(Path.Join(dir, "fs.tmp-0123"));

        var result = await CheckAsync(repair: true);

        Assert.Empty(result.Problems);
        Assert.True(Directory.Exists(Path.Join(dir, "fs.tmp-0123")));
    }

    [Fact]
    public async Task A_bad_snapshot_a_running_build_has_leased_is_reported_but_not_removed()
    {
        var diffId = Digest.Compute("in use"u8);
        var dir = Snapshot(diffId, null);
        using var lease = Store.CreateLease(diffId);

        var result = await CheckAsync(repair: true);

        Assert.Equal($"snapshot {diffId} unverified: no record that its content was checked against its diffID (made before verification)",
            Assert.Single(result.Problems).ToString());
        Assert.False(result.Clean);
        Assert.True(Directory.Exists(dir));
    }
}
