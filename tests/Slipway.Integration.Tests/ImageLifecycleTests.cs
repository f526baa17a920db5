using System.Diagnostics;
using System.Text.Json;
using Slipway.Testing;

namespace Slipway.Integration.Tests;

/// <summary>Issue acceptance: import → tag → push → rmi → pull into an empty root gives the same digest, in every
/// auth mode, and the real consumers (skopeo, umoci) accept what Slipway writes.</summary>
public sealed class ImageLifecycleTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-life-");

    public void Dispose() => _dir.Delete(true);

    public static TheoryData<RegistryAuthMode> Modes => [RegistryAuthMode.Anonymous, RegistryAuthMode.Basic, RegistryAuthMode.Token];

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task An_imported_image_survives_push_rmi_and_pull_into_an_empty_root_with_the_same_digest(RegistryAuthMode mode)
    {
        Capability.RequireRoot();
        Capability.RequireTool("docker-registry");
        var skopeo = Capability.RequireTool("skopeo");
        await using var registry = await RegistryFixture.StartAsync(mode, cancellationToken: TestContext.Current.CancellationToken);
        using var first = new SlipwayRunner();
        using var second = new SlipwayRunner();
        foreach (var runner in (SlipwayRunner[])[first, second])
        {
            if (mode != RegistryAuthMode.Anonymous)
            {
                runner.Login(registry.Host, registry.Username, registry.Password);
            }
        }

        var rootfs = Rootfs.MakeBusybox(_dir.FullName);
        var imported = await first.OkAsync("import", rootfs, "busybox-local:1");
        Assert.StartsWith("sha256:", imported.Output.Trim(), StringComparison.Ordinal);

        var remote = $"{registry.Host}/test/busybox:1";
        await first.OkAsync("tag", "busybox-local:1", remote);
        var pushed = await first.OkAsync("push", remote);
        var pushedDigest = pushed.Output.Split("digest: ")[1].Split(' ')[0];

        var removed = await first.OkAsync("rmi", remote);
        Assert.Contains($"Untagged: {remote}", removed.Output, StringComparison.Ordinal);

        await second.OkAsync("pull", remote);
        var inspect = await second.OkAsync("inspect", remote);
        using var doc = JsonDocument.Parse(inspect.Output);
        var image = doc.RootElement[0];
        Assert.Equal(pushedDigest, image.GetProperty("Descriptor").GetProperty("digest").GetString());
        Assert.Equal(imported.Output.Trim(), image.GetProperty("Id").GetString());

        // The real consumer reads the pushed image.
        var creds = mode == RegistryAuthMode.Anonymous ? [] : (string[])["--creds", $"{registry.Username}:{registry.Password}"];
        var skopeoInspect = Run(skopeo, ["inspect", "--tls-verify=false", .. creds, $"docker://{remote}"]);
        Assert.Contains(pushedDigest, skopeoInspect, StringComparison.Ordinal);
        Run(skopeo, ["copy", "--src-tls-verify=false", .. (mode == RegistryAuthMode.Anonymous ? [] : (string[])["--src-creds", $"{registry.Username}:{registry.Password}"]),
            $"docker://{remote}", $"oci:{Path.Join(_dir.FullName, "copied")}:1"]);
    }

    [Fact]
    public async Task An_exported_OCI_layout_unpacks_with_umoci_and_a_saved_archive_loads_back()
    {
        Capability.RequireRoot();
        var umoci = Capability.RequireTool("umoci");
        using var runner = new SlipwayRunner();
        await runner.OkAsync("import", Rootfs.MakeBusybox(_dir.FullName), "exported:1");
        var layout = Path.Join(_dir.FullName, "layout");
        await runner.OkAsync("save", "--format", "oci-layout", "-o", layout, "exported:1");
        var bundle = Path.Join(_dir.FullName, "bundle");
        Run(umoci, ["unpack", "--image", $"{layout}:1", bundle]);
        Assert.True(File.Exists(Path.Join(bundle, "rootfs", "bin", "busybox")));

        var archive = Path.Join(_dir.FullName, "saved.tar");
        await runner.OkAsync("save", "-o", archive, "exported:1");
        using var other = new SlipwayRunner();
        var loaded = await other.OkAsync("load", "-i", archive);
        Assert.Contains("Loaded image: exported:1", loaded.Output, StringComparison.Ordinal);
        var images = await other.OkAsync("images", "--format", "{{.Repository}}:{{.Tag}}");
        Assert.Equal("exported:1", images.Output.Trim());
    }

    [Fact]
    public async Task Images_history_and_rmi_show_what_docker_shows()
    {
        Capability.RequireRoot();
        using var runner = new SlipwayRunner();
        var id = (await runner.OkAsync("import", Rootfs.MakeBusybox(_dir.FullName), "shown:1.0", "-m", "from a test")).Output.Trim();
        var table = (await runner.OkAsync("images")).Output.Split('\n');
        Assert.Matches(@"^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$", table[0]);
        Assert.Matches($@"^shown\s+1\.0\s+{id[7..19]}\s+(Less than a second|1 second|\d+ seconds) ago\s+[\d.]+[kM]B$", table[1]);
        Assert.Equal(id[7..19], (await runner.OkAsync("images", "-q")).Output.Trim());

        var history = (await runner.OkAsync("history", "shown:1.0")).Output.Split('\n');
        Assert.Matches(@"^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$", history[0]);
        Assert.Contains("Imported from", history[1], StringComparison.Ordinal);

        var missing = await runner.RunAsync("rmi", "nothing:here");
        Assert.Equal(1, missing.Exit);
        Assert.Contains("No such image: nothing:here", missing.Error, StringComparison.Ordinal);
        var removed = await runner.OkAsync("rmi", "shown:1.0");
        Assert.Equal($"Untagged: shown:1.0\nDeleted: {id}\n", removed.Output);
    }

    internal static string Run(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', start.ArgumentList)}: {stderr}");
        return stdout.Result;
    }
}
