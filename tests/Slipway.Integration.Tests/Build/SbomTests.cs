using System.Text.Json;
using Slipway.Testing;

namespace Slipway.Integration.Tests.Build;

/// <summary>Issue #7: <c>slipway sbom</c> lists what real images hold, and <c>build --sbom --push</c> attaches the
/// document the way BuildKit does, as a registry client (skopeo) reads it.</summary>
public sealed class SbomPushTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-sbom-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public async Task A_build_pushed_with_sbom_is_an_index_holding_the_image_and_its_attestation()
    {
        Capability.RequireRoot();
        Capability.RequireTool("runc");
        Capability.RequireTool("docker-registry");
        var skopeo = Capability.RequireTool("skopeo");
        await using var registry = await RegistryFixture.StartAsync(RegistryAuthMode.Anonymous, cancellationToken: TestContext.Current.CancellationToken);
        using var runner = new SlipwayRunner();
        await runner.OkAsync("import", Rootfs.MakeBusybox(_dir.FullName), "sbom-base:1");
        var context = Directory.CreateDirectory(Path.Join(_dir.FullName, "ctx")).FullName;
        File.WriteAllText(Path.Join(context, "Dockerfile"), """
            FROM sbom-base:1
            RUN mkdir -p /app/node_modules/left-pad && echo '{"name":"left-pad","version":"1.3.0"}' > /app/node_modules/left-pad/package.json
            """);
        var name = $"{registry.Host}/test/sbom:1";
        await runner.OkAsync("build", "--progress", "plain", "-t", name, "--sbom=true", "--push", context);

        using var index = JsonDocument.Parse(ImageLifecycleTests.Run(skopeo, ["inspect", "--tls-verify=false", "--raw", $"docker://{name}"]));
        Assert.Equal("application/vnd.oci.image.index.v1+json", index.RootElement.GetProperty("mediaType").GetString());
        var manifests = index.RootElement.GetProperty("manifests").EnumerateArray().ToList();
        Assert.Equal(2, manifests.Count);
        var image = manifests[0];
        var attestation = manifests[1];
        Assert.Equal("unknown", attestation.GetProperty("platform").GetProperty("os").GetString());
        var annotations = attestation.GetProperty("annotations");
        Assert.Equal("attestation-manifest", annotations.GetProperty("vnd.docker.reference.type").GetString());
        Assert.Equal(image.GetProperty("digest").GetString(), annotations.GetProperty("vnd.docker.reference.digest").GetString());

        var attestationRef = $"docker://{registry.Host}/test/sbom@{attestation.GetProperty("digest").GetString()}";
        using var manifest = JsonDocument.Parse(ImageLifecycleTests.Run(skopeo, ["inspect", "--tls-verify=false", "--raw", attestationRef]));
        var layer = manifest.RootElement.GetProperty("layers")[0];
        Assert.Equal("application/vnd.in-toto+json", layer.GetProperty("mediaType").GetString());
        Assert.Equal("https://spdx.dev/Document", layer.GetProperty("annotations").GetProperty("in-toto.io/predicate-type").GetString());

        // The image itself still pulls and its SBOM (kept nowhere locally for a push) can be made again.
        var sbom = await runner.OkAsync("sbom", name);
        using var document = JsonDocument.Parse(sbom.Output);
        Assert.Contains(Packages(document), p => p.Purl == "pkg:npm/left-pad@1.3.0");
    }

    [Fact]
    public async Task A_store_build_with_sbom_keeps_the_document_that_slipway_sbom_prints()
    {
        Capability.RequireRoot();
        Capability.RequireTool("runc");
        using var runner = new SlipwayRunner();
        await runner.OkAsync("import", Rootfs.MakeBusybox(_dir.FullName), "sbom-base:1");
        var context = Directory.CreateDirectory(Path.Join(_dir.FullName, "ctx")).FullName;
        File.WriteAllText(Path.Join(context, "Dockerfile"), "FROM sbom-base:1\nRUN mkdir -p /lib/apk/db && printf 'P:musl\\nV:1.2.4-r2\\nA:x86_64\\n\\n' > /lib/apk/db/installed\n");
        await runner.OkAsync("build", "--progress", "plain", "-t", "sbom-local:1", "--attest", "type=sbom", context);

        var file = Path.Join(_dir.FullName, "sbom.spdx.json");
        await runner.OkAsync("sbom", "sbom-local:1", "-o", file);
        using var document = JsonDocument.Parse(File.ReadAllBytes(file));
        Assert.Equal("SPDX-2.3", document.RootElement.GetProperty("spdxVersion").GetString());
        Assert.Contains(Packages(document), p => p.Purl == "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64");
    }

    internal static List<(string Name, string? Version, string Purl)> Packages(JsonDocument document) =>
        [.. document.RootElement.GetProperty("packages").EnumerateArray()
            .Where(p => p.TryGetProperty("externalRefs", out _))
            .Select(p => (p.GetProperty("name").GetString()!, p.TryGetProperty("versionInfo", out var v) ? v.GetString() : null,
                p.GetProperty("externalRefs")[0].GetProperty("referenceLocator").GetString()!))];
}

/// <summary>The SBOM of the Node example lists its npm packages and the Debian packages of node:18.</summary>
public sealed class NodeSbomTests(NodeStore store) : IClassFixture<NodeStore>
{
    [Fact]
    public async Task The_node_example_sbom_lists_its_npm_modules_and_the_debian_packages_of_its_base()
    {
        store.Require();
        var runner = store.Runner;
        await runner.OkAsync("build", "--progress", "plain", "-t", "node-ts:sbom", BuildStore.Example("node-ts"));

        using var document = JsonDocument.Parse((await runner.OkAsync("sbom", "node-ts:sbom")).Output);
        var packages = SbomPushTests.Packages(document);
        Assert.Contains(packages, p => p.Purl == "pkg:npm/ms@2.1.3");
        Assert.DoesNotContain(packages, p => p.Name == "typescript");
        Assert.Contains(packages, p => p.Name == "libc6" && p.Purl.StartsWith("pkg:deb/debian/libc6@", StringComparison.Ordinal) && !string.IsNullOrEmpty(p.Version));
    }
}

/// <summary>The Go example's SBOM lists the standard library at the version that built the binary.</summary>
public sealed class GoSbomTests(GolangStore store) : IClassFixture<GolangStore>
{
    [Fact]
    public async Task The_go_example_sbom_lists_the_go_standard_library_with_its_version()
    {
        store.Require();
        var runner = store.Runner;
        await runner.OkAsync("build", "--progress", "plain", "-t", "go-web:sbom", BuildStore.Example("go-web"));

        using var document = JsonDocument.Parse((await runner.OkAsync("sbom", "go-web:sbom")).Output);
        var stdlib = Assert.Single(SbomPushTests.Packages(document), p => p.Name == "stdlib");
        Assert.StartsWith("go1.19", stdlib.Version, StringComparison.Ordinal);
        Assert.Equal("pkg:golang/stdlib@" + stdlib.Version, stdlib.Purl);
    }
}
