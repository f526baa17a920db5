using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Slipway.Integration.Tests.Fixtures;
using Slipway.Testing;

namespace Slipway.Integration.Tests.Build;

/// <summary>docs/ci.md's build script, run as the CI job runs it (bash, a <c>slipway</c> on PATH, credentials in the
/// environment) against a local registry behind Basic auth, with examples/go-web as the app: the registry ends up
/// holding an index of both platforms and the build cache, and a second job on a fresh store builds from that
/// cache.</summary>
public sealed class CiScriptTests : IAsyncLifetime
{
    private const string Sha = "0123456789abcdef0123456789abcdef01234567";
    private const string IndexMediaType = "application/vnd.oci.image.index.v1+json";

    private readonly TempDirectory _temp = new();
    private readonly List<BuildStore> _stores = [];
    private RegistryFixture? _registry;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        if (Environment.UserName == "root" && Capability.Which("docker-registry") is not null)
        {
            _registry = await RegistryFixture.StartAsync(RegistryAuthMode.Basic, cancellationToken: Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }

        _temp.Dispose();
    }

    [Fact]
    public void The_docs_show_the_script_the_jobs_run_verbatim()
    {
        var root = Conformance.RepositoryRoot();
        var script = File.ReadAllText(Path.Join(root, "docs", "ci", "build-and-push.sh"));
        var doc = File.ReadAllText(Path.Join(root, "docs", "ci.md"));

        Assert.Contains("```bash\n" + script + "```\n", doc, StringComparison.Ordinal);
        Assert.Contains("run: sudo --preserve-env=REGISTRY,REGISTRY_USER,REGISTRY_PASSWORD,IMAGE_TAG ci/build-and-push.sh", doc, StringComparison.Ordinal);
        Assert.Contains("    - ci/build-and-push.sh\n", doc, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_script_pushes_an_index_of_both_platforms_and_the_cache_and_a_fresh_store_builds_from_that_cache()
    {
        Capability.RequireTool("docker-registry");
        var registry = _registry!;
        var context = BuildStore.CopyExample("go-web", _temp.Path);

        var first = await RunScriptAsync(registry, await StoreAsync(), context);

        using var http = Client(registry);
        var index = await ManifestAsync(http, Sha);
        Assert.Equal(IndexMediaType, index.GetProperty("mediaType").GetString());
        var platforms = index.GetProperty("manifests").EnumerateArray()
            .Where(m => m.TryGetProperty("platform", out var p) && p.GetProperty("architecture").GetString() != "unknown")
            .ToDictionary(m => m.GetProperty("platform").GetProperty("architecture").GetString()!, m => m.GetProperty("digest").GetString()!);
        Assert.Equal(["amd64", "arm64"], platforms.Keys.Order(StringComparer.Ordinal));
        var arm64 = await ManifestAsync(http, platforms["arm64"]);
        var web = await FileInLayerAsync(http, arm64.GetProperty("layers").EnumerateArray().Last().GetProperty("digest").GetString()!, "web");
        Assert.Equal(183, BitConverter.ToUInt16(web, 18)); // ELF e_machine: EM_AARCH64
        await ManifestAsync(http, "buildcache");

        var second = await RunScriptAsync(registry, await StoreAsync(), context);

        var compiles = BuildProgress.Steps(second).Where(s => s.Key.Contains("go build", StringComparison.Ordinal)).ToList();
        Assert.True(compiles.Count > 0, $"no compile step in the second run's output:\n{second}");
        Assert.All(compiles, s => Assert.Equal((s.Key, "CACHED"), (s.Key, s.Value)));
        Assert.Contains("go build", first, StringComparison.Ordinal);
    }

    private async Task<BuildStore> StoreAsync()
    {
        var store = new GolangStore();
        _stores.Add(store);
        await store.InitializeAsync();
        store.Require();
        return store;
    }

    /// <summary>Runs docs/ci/build-and-push.sh with bash as a job would, the built CLI behind a <c>slipway</c>
    /// wrapper, its own HOME (where login keeps the credentials) and the store's root; returns what it printed.</summary>
    private async Task<string> RunScriptAsync(RegistryFixture registry, BuildStore store, string context)
    {
        var bin = Directory.CreateDirectory(Path.Join(_temp.Path, "bin")).FullName;
        var wrapper = Path.Join(bin, "slipway");
        var dll = Path.Join(AppContext.BaseDirectory, "slipway.dll");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec dotnet '{dll}' \"$@\"\n", Ct);
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var home = Directory.CreateTempSubdirectory("slipway-ci-home-").FullName;
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { Path.Join(Conformance.RepositoryRoot(), "docs", "ci", "build-and-push.sh") },
            Environment =
            {
                ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
                ["HOME"] = home,
                ["SLIPWAY_ROOT"] = store.Root,
                ["REGISTRY"] = $"{registry.Host}/ci",
                ["REGISTRY_USER"] = registry.Username,
                ["REGISTRY_PASSWORD"] = registry.Password,
                ["IMAGE_TAG"] = Sha,
                ["CONTEXT"] = context,
            },
        };
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(20));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }

        // WaitForExit without a timeout drains the redirected output.
        await process.WaitForExitAsync(CancellationToken.None);
        var text = Text(output);
        Assert.True(process.ExitCode == 0, $"build-and-push.sh exited {process.ExitCode}:\n{text}\n{registry.Log}");
        Assert.Contains("Login Succeeded", text, StringComparison.Ordinal);
        return text;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static HttpClient Client(RegistryFixture registry)
    {
        var http = new HttpClient { BaseAddress = registry.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{registry.Username}:{registry.Password}")));
        return http;
    }

    private static async Task<JsonElement> ManifestAsync(HttpClient http, string reference)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/ci/app/manifests/{reference}");
        foreach (var type in (string[])[IndexMediaType, "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json"])
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        using var response = await http.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, $"GET manifest ci/app:{reference}: {(int)response.StatusCode}");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return document.RootElement.Clone();
    }

    private static async Task<byte[]> FileInLayerAsync(HttpClient http, string digest, string path)
    {
        await using var blob = await http.GetStreamAsync($"/v2/ci/app/blobs/{digest}", Ct);
        await using var gzip = new GZipStream(blob, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync(copyData: false, Ct) is { } entry)
        {
            if (entry.Name.TrimStart('.').TrimStart('/') == path && entry.DataStream is { } data)
            {
                using var copy = new MemoryStream();
                await data.CopyToAsync(copy, Ct);
                return copy.ToArray();
            }
        }

        throw new InvalidOperationException($"the layer {digest} has no {path}");
    }
}
