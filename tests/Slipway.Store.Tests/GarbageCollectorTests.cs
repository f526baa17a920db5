using System.Text;
using Slipway.Oci;

namespace Slipway.Store.Tests;

public class GarbageCollectorTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>layer + config → manifest → index, as a pull of one platform leaves them.</summary>
    private async Task<(Descriptor Index, Descriptor Manifest, Descriptor Config, Descriptor Layer)> StoreImageAsync(string seed)
    {
        var layer = await _temp.Blobs.WriteAsync(MediaTypes.OciLayerGzip, Encoding.UTF8.GetBytes("layer " + seed), Ct);
        var config = await _temp.Blobs.WriteAsync(MediaTypes.OciConfig, OciJson.Serialize(new ImageConfig
        {
            Architecture = "amd64",
            Os = "linux",
            RootFs = new RootFs { DiffIds = [Digest.Compute(Encoding.UTF8.GetBytes(seed))] },
        }), Ct);
        // The manifest carries no mediaType: marking must not depend on it.
        var manifest = await _temp.Blobs.WriteAsync(MediaTypes.OciManifest, OciJson.Serialize(new ImageManifest { Config = config, Layers = [layer] }), Ct);
        var missing = Descriptor.For(MediaTypes.OciManifest, Encoding.UTF8.GetBytes("other platform, not pulled " + seed));
        var index = await _temp.Blobs.WriteAsync(MediaTypes.OciIndex, OciJson.Serialize(new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests = [manifest, missing],
        }), Ct);
        return (index, manifest, config, layer);
    }

    [Fact]
    public async Task Collection_keeps_what_refs_reach_and_removes_the_rest()
    {
        var kept = await StoreImageAsync("kept");
        var dropped = await StoreImageAsync("dropped");
        var loose = await _temp.Blobs.WriteAsync("application/octet-stream", "loose"u8.ToArray(), Ct);
        await _temp.Store.Refs.SetAsync("example.com/app:1", kept.Index, Ct);

        var result = await _temp.Store.CollectGarbageAsync(cancellationToken: Ct);

        foreach (var d in new[] { kept.Index, kept.Manifest, kept.Config, kept.Layer })
        {
            Assert.True(_temp.Blobs.Exists(d.Digest), d.MediaType);
        }

        var gone = new[] { dropped.Index, dropped.Manifest, dropped.Config, dropped.Layer, loose };
        Assert.All(gone, d => Assert.False(_temp.Blobs.Exists(d.Digest)));
        Assert.Equal(gone.Select(d => d.Digest).ToHashSet(), result.RemovedBlobs.ToHashSet());
        Assert.Equal(gone.Sum(d => d.Size), result.FreedBytes);
    }

    [Fact]
    public async Task Deleting_the_last_ref_makes_an_image_collectable()
    {
        var image = await StoreImageAsync("x");
        await _temp.Store.Refs.SetAsync("x", image.Manifest, Ct);
        Assert.DoesNotContain(image.Layer.Digest, (await _temp.Store.CollectGarbageAsync(cancellationToken: Ct)).RemovedBlobs);
        await _temp.Store.Refs.DeleteAsync("x", Ct);
        await _temp.Store.CollectGarbageAsync(cancellationToken: Ct);
        Assert.Empty(_temp.Blobs.List());
    }

    [Fact]
    public async Task A_leased_blob_and_what_it_points_at_survive_until_the_lease_ends()
    {
        var image = await StoreImageAsync("leased");
        using (var lease = _temp.Store.CreateLease(image.Manifest.Digest))
        {
            var notYetWritten = Digest.Compute("being downloaded"u8);
            lease.Add(notYetWritten);
            Assert.Contains(notYetWritten, lease.Digests);
            var result = await _temp.Store.CollectGarbageAsync(cancellationToken: Ct);
            Assert.Equal([image.Index.Digest], result.RemovedBlobs);
            Assert.True(_temp.Blobs.Exists(image.Layer.Digest));
        }

        Assert.Empty(Directory.EnumerateFiles(Path.Join(_temp.Root, "leases")));
        await _temp.Store.CollectGarbageAsync(cancellationToken: Ct);
        Assert.Empty(_temp.Blobs.List());
    }

    [Fact]
    public async Task A_lease_left_by_a_dead_process_is_removed_and_protects_nothing()
    {
        var blob = await _temp.Blobs.WriteAsync("application/octet-stream", "orphan"u8.ToArray(), Ct);
        var leases = Path.Join(_temp.Root, "leases");
        await File.WriteAllTextAsync(Path.Join(leases, "dead.lock"), "", Ct);
        await File.WriteAllTextAsync(Path.Join(leases, "dead.json"),
            $"{{\"id\":\"dead\",\"pid\":1,\"created\":\"2024-01-01T00:00:00Z\",\"digests\":[\"{blob.Digest}\"]}}", Ct);

        var result = await _temp.Store.CollectGarbageAsync(cancellationToken: Ct);

        Assert.Equal(1, result.RemovedStaleLeases);
        Assert.Equal([blob.Digest], result.RemovedBlobs);
        Assert.Empty(Directory.EnumerateFiles(leases));
    }

    [Fact]
    public async Task Stale_ingest_files_are_removed_and_fresh_ones_kept()
    {
        var ingest = Path.Join(_temp.Root, "ingest");
        var stale = Path.Join(ingest, "stale");
        await File.WriteAllTextAsync(stale, "abandoned", Ct);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-2));
        await using var active = _temp.Blobs.OpenWriter();
        await active.WriteAsync("in progress"u8.ToArray(), Ct);

        var result = await _temp.Store.CollectGarbageAsync(TimeSpan.FromHours(1), Ct);

        Assert.Equal(1, result.RemovedIngestFiles);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(active.IngestPath));
    }

    [Fact]
    public async Task An_ingest_file_no_writer_holds_goes_within_minutes_and_a_held_one_stays_however_old()
    {
        // Issue 12 item 15: a killed pull's partial download stayed for an hour.
        var abandoned = Path.Join(_temp.Root, "ingest", "killed-pull");
        await File.WriteAllTextAsync(abandoned, "half a layer", Ct);
        File.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow.AddMinutes(-2));
        await using var stalled = _temp.Blobs.OpenWriter();
        await stalled.WriteAsync("a download that stalls"u8.ToArray(), Ct);
        File.SetLastWriteTimeUtc(stalled.IngestPath, DateTime.UtcNow.AddHours(-3));

        var result = await _temp.Store.CollectGarbageAsync(cancellationToken: Ct);

        Assert.Equal(1, result.RemovedIngestFiles);
        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(stalled.IngestPath));
    }

    [Fact]
    public async Task A_damaged_ref_index_stops_collection_before_anything_is_removed()
    {
        var image = await StoreImageAsync("precious");
        await File.WriteAllTextAsync(Path.Join(_temp.Root, "refs.json"), "{\"version\":1,\"refs\":{\"x\":", Ct);
        await Assert.ThrowsAsync<InvalidDataException>(() => _temp.Store.CollectGarbageAsync(cancellationToken: Ct));
        Assert.True(_temp.Blobs.Exists(image.Layer.Digest));
    }

    [Fact]
    public async Task Files_in_blobs_that_are_not_digests_are_left_alone()
    {
        var stray = Path.Join(_temp.Root, "blobs", "sha256", "README");
        await File.WriteAllTextAsync(stray, "not a blob", Ct);
        await _temp.Store.CollectGarbageAsync(cancellationToken: Ct);
        Assert.True(File.Exists(stray));
    }
}
