using System.Security.Cryptography;
using System.Text.Json;
using Slipway.Testing;

namespace Slipway.Integration.Tests.Fixtures;

/// <summary>The base images every later test builds FROM are real OCI layouts that other tools accept, hold
/// what their name promises, and come from the on-disk cache when their recipe is unchanged.</summary>
public class BaseImagesTests
{
    public static TheoryData<string, string> ImagesAndPrograms => new()
    {
        { "busybox", "bin/busybox" },
        { "debian", "usr/bin/apt-get" },
        { "gcc", "usr/bin/gcc" },
        { "golang", "usr/bin/go" },
        { "node", "usr/bin/node" },
    };

    [Theory]
    [MemberData(nameof(ImagesAndPrograms))]
    public async Task Each_image_is_a_layout_skopeo_reads_with_its_config_and_layers(string name, string program)
    {
        _ = program;
        var (skopeo, layout) = await RequireImageAsync(name, "skopeo");

        var image = Json(await Tool.RunAsync(skopeo, "inspect", $"oci:{layout}:{BaseImages.Tag}"));
        var config = Json(await Tool.RunAsync(skopeo, "inspect", "--config", $"oci:{layout}:{BaseImages.Tag}"));

        Assert.Equal("linux", image.GetProperty("Os").GetString());
        Assert.Equal("amd64", image.GetProperty("Architecture").GetString());
        var layers = image.GetProperty("Layers").GetArrayLength();
        Assert.Equal(name is "busybox" or "debian" ? 1 : 2, layers);
        Assert.Equal(layers, config.GetProperty("rootfs").GetProperty("diff_ids").GetArrayLength());
        Assert.Equal(layers, config.GetProperty("history").GetArrayLength());
        Assert.Contains(config.GetProperty("config").GetProperty("Env").EnumerateArray(),
            e => e.GetString()!.StartsWith("PATH=", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ImagesAndPrograms))]
    public async Task Each_image_unpacks_with_umoci_and_holds_its_program(string name, string program)
    {
        var (umoci, layout) = await RequireImageAsync(name, "umoci");
        using var temp = new TempDirectory();
        var bundle = Path.Join(temp.Path, "bundle");

        await Tool.RunAsync(umoci, "unpack", "--image", $"{layout}:{BaseImages.Tag}", bundle);

        var path = Path.Join(bundle, "rootfs", program);
        Assert.True(File.Exists(path) || new FileInfo(path).LinkTarget is not null, $"{name} has no /{program}");
    }

    [Theory]
    [InlineData("busybox")]
    [InlineData("busybox-multiplatform")]
    [InlineData("debian")]
    [InlineData("debian-multiplatform")]
    [InlineData("gcc")]
    public async Task Every_blob_in_a_layout_matches_the_digest_it_is_stored_under(string name)
    {
        var (_, layout) = await RequireImageAsync(name, "skopeo");
        var token = TestContext.Current.CancellationToken;

        var marker = await File.ReadAllTextAsync(Path.Join(layout, "oci-layout"), token);

        Assert.Equal("""{"imageLayoutVersion":"1.0.0"}""", marker);
        foreach (var blob in Directory.EnumerateFiles(Path.Join(layout, "blobs", "sha256")))
        {
            await using var stream = File.OpenRead(blob);
            var hex = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, token));
            Assert.Equal(Path.GetFileName(blob), hex);
        }
    }

    [Fact]
    public async Task Debian_is_tagged_both_latest_and_bookworm()
    {
        var (skopeo, layout) = await RequireImageAsync("debian", "skopeo");

        var latest = Json(await Tool.RunAsync(skopeo, "inspect", $"oci:{layout}:latest"));
        var bookworm = Json(await Tool.RunAsync(skopeo, "inspect", $"oci:{layout}:bookworm"));

        Assert.Equal(latest.GetProperty("Digest").GetString(), bookworm.GetProperty("Digest").GetString());
    }

    [Fact]
    public async Task The_multiplatform_busybox_index_lists_linux_amd64_and_linux_arm64()
    {
        var (skopeo, layout) = await RequireImageAsync("busybox-multiplatform", "skopeo");
        var reference = $"oci:{layout}:{BaseImages.Tag}";

        var index = Json(await Tool.RunAsync(skopeo, "inspect", "--raw", reference));
        var platforms = index.GetProperty("manifests").EnumerateArray()
            .Select(m => m.GetProperty("platform"))
            .Select(p => $"{p.GetProperty("os").GetString()}/{p.GetProperty("architecture").GetString()}")
            .ToList();
        var arm64 = Json(await Tool.RunAsync(skopeo, "--override-arch", "arm64", "inspect", "--config", reference));

        Assert.Equal("application/vnd.oci.image.index.v1+json", index.GetProperty("mediaType").GetString());
        Assert.Equal(["linux/amd64", "linux/arm64"], platforms);
        Assert.Equal("arm64", arm64.GetProperty("architecture").GetString());
    }

    [Fact]
    public async Task The_multiplatform_debian_index_is_debians_own_amd64_image_and_an_arm64_debian_made_from_arm64_packages()
    {
        var (skopeo, layout) = await RequireImageAsync("debian-multiplatform", "skopeo");
        var token = TestContext.Current.CancellationToken;
        var debian = Json(await File.ReadAllTextAsync(
            Path.Join(await BaseImages.GetAsync("debian", token), "index.json"), token));

        var index = Json(await Tool.RunAsync(skopeo, "inspect", "--raw", $"oci:{layout}:bookworm"));
        var manifests = index.GetProperty("manifests").EnumerateArray().ToList();
        var arm64 = Json(await Tool.RunAsync(skopeo, "--override-arch", "arm64", "inspect", "--config", $"oci:{layout}:latest"));
        var images = await Build.OciImages.ManifestsAsync(layout, token);
        var dpkg = await Build.OciImages.ReadBytesAsync(layout, images["linux/arm64"], "usr/bin/dpkg", token);
        var status = await Build.OciImages.ReadFileAsync(layout, images["linux/arm64"], "var/lib/dpkg/status", token);

        Assert.Equal("application/vnd.oci.image.index.v1+json", index.GetProperty("mediaType").GetString());
        Assert.Equal(["linux/amd64", "linux/arm64"], manifests.Select(m => m.GetProperty("platform"))
            .Select(p => $"{p.GetProperty("os").GetString()}/{p.GetProperty("architecture").GetString()}"));
        Assert.Equal(debian.GetProperty("manifests")[0].GetProperty("digest").GetString(),
            manifests[0].GetProperty("digest").GetString());
        Assert.Equal("arm64", arm64.GetProperty("architecture").GetString());
        Assert.Equal("v8", arm64.GetProperty("variant").GetString());
        Assert.NotNull(dpkg);
        Assert.Equal(183, BitConverter.ToUInt16(dpkg, 18)); // ELF e_machine: EM_AARCH64
        // Every package the second stage configured is installed, and each is arm64's (or architecture-free).
        var packages = status!.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(packages, p => p.StartsWith("Package: dpkg\n", StringComparison.Ordinal) && p.Contains("\nArchitecture: arm64\n", StringComparison.Ordinal));
        Assert.All(packages, p => Assert.Contains("\nStatus: install ok installed\n", p, StringComparison.Ordinal));
        Assert.All(packages, p => Assert.Matches(@"\nArchitecture: (arm64|all)\n", p));
    }

    [Fact]
    public async Task The_multiplatform_busybox_arm64_image_is_Debians_arm64_busybox_laid_out_as_the_amd64_one()
    {
        var (skopeo, layout) = await RequireImageAsync("busybox-multiplatform", "skopeo");
        using var temp = new TempDirectory();
        await Tool.RunAsync(skopeo, "--override-arch", "arm64", "copy", $"oci:{layout}:{BaseImages.Tag}", $"dir:{temp.Path}");
        var manifest = Json(await File.ReadAllTextAsync(Path.Join(temp.Path, "manifest.json"), TestContext.Current.CancellationToken));
        var layer = manifest.GetProperty("layers")[0].GetProperty("digest").GetString()!["sha256:".Length..];

        var entries = new Dictionary<string, System.Formats.Tar.TarEntry>();
        byte[] header = [];
        await using (var gzip = new System.IO.Compression.GZipStream(File.OpenRead(Path.Join(temp.Path, layer)), System.IO.Compression.CompressionMode.Decompress))
        {
            using var reader = new System.Formats.Tar.TarReader(gzip);
            while (reader.GetNextEntry(copyData: true) is { } entry)
            {
                entries[entry.Name.TrimEnd('/')] = entry;
                if (entry.Name == "bin/busybox")
                {
                    header = new byte[20];
                    entry.DataStream!.ReadExactly(header);
                }
            }
        }

        // e_machine 183 is EM_AARCH64: the binary is arm64's, run here only through binfmt_misc.
        Assert.Equal([0x7f, (byte)'E', (byte)'L', (byte)'F'], header[..4]);
        Assert.Equal(183, header[18] | (header[19] << 8));
        Assert.Equal("/bin/busybox", entries["bin/sh"].LinkName);
        Assert.Equal("/bin/busybox", entries["bin/uname"].LinkName);
        Assert.True(entries.ContainsKey("etc/passwd"));
    }

    [Fact]
    public async Task A_second_run_with_the_same_recipe_is_a_cache_hit_and_a_changed_recipe_rebuilds()
    {
        Capability.RequireRoot();
        using var cache = new TempDirectory();
        var environment = new Dictionary<string, string> { ["SLIPWAY_FIXTURES"] = cache.Path };
        var token = TestContext.Current.CancellationToken;

        var cold = await BaseImages.RunAsync(["busybox"], environment, token);
        var warm = await BaseImages.RunAsync(["busybox"], environment, token);
        environment["SOURCE_DATE_EPOCH"] = "1700000000";
        var changed = await BaseImages.RunAsync(["busybox"], environment, token);

        Assert.True(cold.Built, cold.Log);
        Assert.False(warm.Built, warm.Log);
        Assert.Equal(cold.Paths, warm.Paths);
        Assert.True(warm.Elapsed < TimeSpan.FromSeconds(5), $"a cache hit took {warm.Elapsed}");
        Assert.True(changed.Built, changed.Log);
        Assert.NotEqual(cold.Paths, changed.Paths);
    }

    [Fact]
    public async Task What_a_crashed_build_left_behind_is_discarded_not_used()
    {
        Capability.RequireRoot();
        using var cache = new TempDirectory();
        var leftover = Path.Join(cache.Path, ".tmp-busybox", "layout");
        Directory.CreateDirectory(leftover);
        await File.WriteAllTextAsync(
            Path.Join(leftover, "index.json"), "{ half-written", TestContext.Current.CancellationToken);

        var run = await BaseImages.RunAsync(
            ["busybox"], new Dictionary<string, string> { ["SLIPWAY_FIXTURES"] = cache.Path },
            TestContext.Current.CancellationToken);

        Assert.False(Directory.Exists(Path.Join(cache.Path, ".tmp-busybox")));
        Json(await File.ReadAllTextAsync(Path.Join(run.Paths[0], "index.json"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_unknown_image_name_fails_with_the_scripts_message()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            BaseImages.RunAsync(["no-such-image"], environment: null, TestContext.Current.CancellationToken));

        Assert.Contains("unknown image 'no-such-image'", error.Message, StringComparison.Ordinal);
    }

    private static async Task<(string Tool, string Layout)> RequireImageAsync(string name, string tool)
    {
        Capability.RequireRoot();
        Capability.RequireTool("debootstrap");
        var path = Capability.RequireTool(tool);
        return (path, await BaseImages.GetAsync(name, TestContext.Current.CancellationToken));
    }

    private static string Sha256(string text) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
