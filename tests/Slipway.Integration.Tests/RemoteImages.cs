using System.Formats.Tar;
using System.IO.Compression;
using Slipway.Oci;
using Slipway.Registry;

namespace Slipway.Integration.Tests;

/// <summary>A gzip layer made in memory: what the registry stores and the digest of the tar inside it.</summary>
internal sealed record FakeLayer(byte[] Compressed, Digest DiffId)
{
    public Digest Digest { get; } = Digest.Compute(Compressed);

    /// <summary>One regular file per entry; the content is stored as given, so random bytes make a layer that does
    /// not shrink when gzipped (the fault tests want a blob large enough to be cut in the middle).</summary>
    public static FakeLayer Of(params (string Path, byte[] Content)[] files)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (path, content) in files)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path)
                {
                    Mode = (UnixFileMode)0x1ED,
                    ModificationTime = DateTimeOffset.UnixEpoch,
                    DataStream = new MemoryStream(content),
                });
            }
        }

        var diffId = Digest.Compute(tar.ToArray());
        using var gz = new MemoryStream();
        using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            zip.Write(tar.ToArray());
        }

        return new FakeLayer(gz.ToArray(), diffId);
    }
}

/// <summary>Pushes hand-made images and indexes straight through the registry client, so a test can put into the
/// fixture registry what Slipway itself cannot make (an index of several platforms).</summary>
internal static class RemoteImages
{
    public static RegistryClient Client(string host) => new(RegistryEndpoint.For(host), new RegistryClientOptions { TimeProvider = TimeProvider.System });

    /// <summary>Pushes layers, a config for <paramref name="architecture"/> and the manifest; returns the manifest's
    /// descriptor with its platform, ready to go into an index.</summary>
    public static async Task<Descriptor> PushImageAsync(RegistryClient client, string repository, string architecture,
        IReadOnlyList<FakeLayer> layers, ContainerConfig? container = null, CancellationToken cancellationToken = default)
    {
        foreach (var layer in layers)
        {
            await client.PushBlobAsync(repository, layer.Digest, layer.Compressed.Length, new MemoryStream(layer.Compressed),
                cancellationToken: cancellationToken);
        }

        var config = OciJson.Serialize(new ImageConfig
        {
            Architecture = architecture,
            Os = "linux",
            Created = DateTimeOffset.UnixEpoch,
            Config = container ?? new ContainerConfig { Cmd = ["/bin/sh"], Env = [$"ARCH={architecture}"] },
            RootFs = new RootFs { DiffIds = [.. layers.Select(l => l.DiffId)] },
            History = [.. layers.Select(_ => new HistoryEntry { Created = DateTimeOffset.UnixEpoch, CreatedBy = "test layer" })],
        });
        var configDescriptor = Descriptor.For(MediaTypes.OciConfig, config);
        await client.PushBlobAsync(repository, configDescriptor.Digest, config.Length, new MemoryStream(config),
            cancellationToken: cancellationToken);

        var manifest = OciJson.Serialize(new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = configDescriptor,
            Layers = [.. layers.Select(l => new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = l.Digest, Size = l.Compressed.Length })],
        });
        var digest = await client.PutManifestAsync(repository, Digest.Compute(manifest).Value, manifest, MediaTypes.OciManifest,
            cancellationToken);
        return new Descriptor
        {
            MediaType = MediaTypes.OciManifest,
            Digest = digest,
            Size = manifest.Length,
            Platform = Platform.Linux(architecture),
        };
    }

    public static async Task TagAsync(RegistryClient client, string repository, string tag, Descriptor manifest,
        CancellationToken cancellationToken = default)
    {
        var bytes = await client.GetManifestAsync(repository, manifest.Digest.Value, cancellationToken);
        await client.PutManifestAsync(repository, tag, bytes.Content, manifest.MediaType, cancellationToken);
    }

    public static async Task<Digest> PushIndexAsync(RegistryClient client, string repository, string tag,
        IReadOnlyList<Descriptor> manifests, CancellationToken cancellationToken = default)
    {
        var index = OciJson.Serialize(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = manifests });
        return await client.PutManifestAsync(repository, tag, index, MediaTypes.OciIndex, cancellationToken);
    }
}
