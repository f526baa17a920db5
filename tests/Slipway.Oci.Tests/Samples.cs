using System.Text;

namespace Slipway.Oci.Tests;

/// <summary>Documents shaped like the ones real registries and Docker produce.</summary>
internal static class Samples
{
    public static readonly Digest LayerDigest = Digest.Compute("layer"u8);
    public static readonly Digest DiffId = Digest.Compute("diff"u8);

    public static Descriptor Layer => new() { MediaType = MediaTypes.OciLayerGzip, Digest = LayerDigest, Size = 5 };

    public static ImageConfig Config => new()
    {
        Created = new DateTimeOffset(2024, 5, 1, 12, 0, 0, 500, TimeSpan.Zero),
        Author = "someone",
        Architecture = "arm64",
        Os = "linux",
        OsVersion = "6.1",
        Variant = "v8",
        Config = new ContainerConfig
        {
            User = "app:app",
            ExposedPorts = ["443/tcp", "80/tcp"],
            Env = ["PATH=/usr/local/bin:/usr/bin", "A=b&c<d>"],
            Entrypoint = ["/bin/app"],
            Cmd = ["--serve"],
            Volumes = ["/data"],
            WorkingDir = "/srv",
            Labels = new Dictionary<string, string> { ["z"] = "last", ["a"] = "first" },
            StopSignal = "SIGTERM",
            ArgsEscaped = true,
            Healthcheck = new HealthConfig
            {
                Test = ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
                Interval = TimeSpan.FromSeconds(30),
                Timeout = TimeSpan.FromSeconds(3),
                StartPeriod = TimeSpan.FromSeconds(5),
                StartInterval = TimeSpan.FromMilliseconds(250),
                Retries = 3,
            },
            OnBuild = ["RUN echo child"],
            Shell = ["/bin/bash", "-c"],
        },
        RootFs = new RootFs { DiffIds = [DiffId] },
        History =
        [
            new HistoryEntry
            {
                Created = new DateTimeOffset(2024, 5, 1, 11, 0, 0, TimeSpan.Zero),
                CreatedBy = "/bin/sh -c #(nop) ADD file:abc in / ",
                Author = "someone",
                Comment = "buildkit.dockerfile.v0",
            },
            new HistoryEntry { CreatedBy = "ENV A=b", EmptyLayer = true },
        ],
    };

    public static ImageManifest Manifest(byte[] configJson) => new()
    {
        MediaType = MediaTypes.OciManifest,
        Config = Descriptor.For(MediaTypes.OciConfig, configJson),
        Layers = [Layer],
        Annotations = new Dictionary<string, string> { ["org.opencontainers.image.title"] = "demo" },
    };

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
