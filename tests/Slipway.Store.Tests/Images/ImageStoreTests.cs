using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Store.Tests.Images;

public sealed class ImageStoreTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<Descriptor> ImageAsync(string name)
    {
        var config = await _temp.Blobs.WriteAsync(MediaTypes.OciConfig,
            OciJson.Serialize(new ImageConfig { Architecture = "amd64", Os = "linux", RootFs = new RootFs { DiffIds = [] } }), Ct);
        var manifest = await _temp.Blobs.WriteAsync(MediaTypes.OciManifest,
            OciJson.Serialize(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = config, Layers = [] }), Ct);
        await new ImageStore(_temp.Store).SetAsync(ImageReference.Parse(name), manifest, Ct);
        return manifest;
    }

    private async Task AttachAsync(string kind, Descriptor image)
    {
        var attached = await _temp.Blobs.WriteAsync("text/plain", "attached"u8.ToArray(), Ct);
        await _temp.Store.Refs.SetAsync(ImageStore.AttachmentName(kind, image.Digest), attached, Ct);
    }

    [Fact]
    public async Task Removing_an_image_removes_what_is_attached_to_it()
    {
        var image = await ImageAsync("app:1");
        await AttachAsync("sbom", image);

        var lines = await new ImageStore(_temp.Store).RemoveAsync("app:1", force: false, Ct);

        Assert.Equal(["Untagged: app:1", $"Deleted: {OciJson.ParseManifest(await _temp.Blobs.ReadAllBytesAsync(image.Digest, Ct)).Config.Digest}"], lines);
        Assert.Empty(_temp.Store.Refs.List());
    }

    [Fact]
    public async Task An_attachment_stays_while_another_name_keeps_the_image()
    {
        var image = await ImageAsync("app:1");
        await new ImageStore(_temp.Store).TagAsync("app:1", "app:2", Ct);
        await AttachAsync("sbom", image);

        await new ImageStore(_temp.Store).RemoveAsync("app:1", force: false, Ct);

        Assert.Equal(["<sbom>@" + image.Digest.Value, "docker.io/library/app:2"], _temp.Store.Refs.List().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Attachments_of_other_images_are_left_alone()
    {
        var kept = await ImageAsync("kept:1");
        await AttachAsync("sbom", kept);
        await ImageAsync("gone:1");

        await new ImageStore(_temp.Store).RemoveAsync("gone:1", force: false, Ct);

        Assert.NotNull(_temp.Store.Refs.Resolve(ImageStore.AttachmentName("sbom", kept.Digest)));
    }

    [Fact]
    public async Task Attachments_are_never_listed_as_images()
    {
        var image = await ImageAsync("app:1");
        await AttachAsync("sbom", image);

        var listed = await new ImageStore(_temp.Store).ListAsync(Ct);

        Assert.Equal(["docker.io/library/app:1"], listed.Select(i => i.Name));
    }
}
