using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Store.Tests.Images;

/// <summary>Names that point at an index, as docker's containerd image store treats them: one listed image whose id is
/// the index digest, found by name or id, tagged and removed as a whole.</summary>
public sealed class IndexNameTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ImageStore Images => new(_temp.Store);

    private static readonly Platform Other = Platform.Host.Architecture == "s390x" ? Platform.Linux("ppc64le") : Platform.Linux("s390x");

    private async Task<(StoredIndex Index, StoredImage Host, StoredImage Other)> IndexAsync(string name)
    {
        var host = await ImageIndexTests.ImageAsync(Images, Platform.Host, name);
        var other = await ImageIndexTests.ImageAsync(Images, Other, name);
        var index = await Images.WriteIndexAsync([host, other], null, null, Ct);
        await Images.SetAsync(ImageReference.Parse(name), index.Descriptor, Ct);
        return (index, host, other);
    }

    [Fact]
    public async Task A_name_of_an_index_is_listed_once_with_the_index_digest_as_its_id_and_the_host_image()
    {
        var (index, host, _) = await IndexAsync("multi:1");

        var listed = Assert.Single(await Images.ListAsync(Ct));

        Assert.Equal(index.Id, listed.Id);
        Assert.Equal(host.Id, listed.Image.Id);
        Assert.Equal(index.Descriptor.Digest, listed.Target.Digest);
        Assert.Equal(2, listed.ImageIds.Count());
    }

    [Fact]
    public async Task An_index_is_found_by_name_by_its_digest_and_by_a_prefix_of_it_for_the_platform_asked_for()
    {
        var (index, host, other) = await IndexAsync("multi:1");

        Assert.Equal(host.Id, (await Images.FindAsync("multi:1", Ct)).Image.Id);
        Assert.Equal(other.Id, (await Images.FindAsync("multi:1", Other, Ct)).Image.Id);
        Assert.Equal(index.Id, (await Images.FindImageAsync(index.Id.Value, null, Ct)).Id);
        Assert.Equal(index.Id, (await Images.FindImageAsync(index.Id.Hex[..12], null, Ct)).Id);
    }

    [Fact]
    public async Task A_platform_the_index_lacks_is_dockers_error()
    {
        await IndexAsync("multi:1");

        var error = await Assert.ThrowsAsync<ImageException>(() => Images.FindAsync("multi:1", Platform.Linux("riscv64"), Ct));

        Assert.Equal("image with reference multi:1 was found but does not provide the specified platform (linux/riscv64)", error.Message);
    }

    [Fact]
    public async Task A_single_manifest_of_another_platform_is_refused_when_a_platform_is_asked_for()
    {
        var other = await ImageIndexTests.ImageAsync(Images, Other);
        await Images.SetAsync(ImageReference.Parse("single:1"), other.ManifestDescriptor, Ct);

        Assert.Equal(other.Id, (await Images.FindAsync("single:1", Ct)).Image.Id);
        await Assert.ThrowsAsync<ImageException>(() => Images.FindAsync("single:1", Platform.Linux("riscv64"), Ct));
    }

    [Fact]
    public async Task Tagging_an_index_name_tags_the_index()
    {
        var (index, _, _) = await IndexAsync("multi:1");

        await Images.TagAsync("multi:1", "copy:2", Ct);

        Assert.Equal(index.Descriptor.Digest, _temp.Store.Refs.Resolve("docker.io/library/copy:2")!.Digest);
    }

    [Fact]
    public async Task Removing_the_last_name_of_an_index_deletes_the_index_and_what_is_attached_to_its_platforms()
    {
        var (index, host, _) = await IndexAsync("multi:1");
        var sbom = await _temp.Blobs.WriteAsync("text/plain", "sbom"u8.ToArray(), Ct);
        await _temp.Store.Refs.SetAsync(ImageStore.AttachmentName("sbom", host.ManifestDescriptor.Digest), sbom, Ct);
        await Images.TagAsync("multi:1", "copy:2", Ct);

        var first = await Images.RemoveAsync("multi:1", force: false, Ct);
        var last = await Images.RemoveAsync("copy:2", force: false, Ct);

        Assert.Equal(["Untagged: multi:1"], first);
        Assert.Equal(["Untagged: copy:2", $"Deleted: {index.Id}"], last);
        Assert.Empty(_temp.Store.Refs.List());
    }

    [Fact]
    public async Task Removing_an_index_by_id_refuses_several_names_unless_forced()
    {
        var (index, _, _) = await IndexAsync("multi:1");
        await Images.TagAsync("multi:1", "copy:2", Ct);

        await Assert.ThrowsAsync<ImageException>(() => Images.RemoveAsync(index.Id.Hex[..12], force: false, Ct));
        var lines = await Images.RemoveAsync(index.Id.Hex[..12], force: true, Ct);

        Assert.Equal(["Untagged: copy:2", "Untagged: multi:1", $"Deleted: {index.Id}"], lines);
    }

    [Fact]
    public async Task Pruning_removes_a_dangling_index_and_collection_then_frees_its_platforms()
    {
        var host = await ImageIndexTests.ImageAsync(Images, Platform.Host);
        var index = await Images.WriteIndexAsync([host], null, null, Ct);
        await Images.KeepDanglingAsync(index.Descriptor, Ct);

        var lines = await Images.PruneAsync(all: false, _ => true, Ct);
        await _temp.Store.CollectGarbageAsync(cancellationToken: Ct);

        Assert.Equal([$"deleted: {index.Id}"], lines);
        Assert.False(_temp.Blobs.Exists(host.ManifestDescriptor.Digest));
        Assert.False(_temp.Blobs.Exists(index.Id));
    }
}
