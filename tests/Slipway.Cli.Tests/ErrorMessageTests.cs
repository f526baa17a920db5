using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Testing;

namespace Slipway.Cli.Tests;

/// <summary>The exact message of each error a user can meet on the way in or out of a command, in Slipway's words:
/// never .NET's resource text, and never a resource key in its place.</summary>
public sealed partial class ErrorMessageTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-errors-");

    private string Root => Path.Join(_dir.FullName, "root");

    private string Missing => Path.Join(_dir.FullName, "nonexistent");

    public void Dispose() => _dir.Delete(true);

    private async Task<(int Exit, string Error)> RunAsync(params string[] args)
    {
        var env = new FakeEnvironment { IsRoot = true };
        env.Variables["HOME"] = _dir.FullName;
        env.Variables["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        var exit = await SlipwayApp.RunAsync(["--root", Root, .. args], env);
        var error = env.Error.ToString().ReplaceLineEndings("\n");
        Assert.DoesNotMatch(ResourceKey(), error + env.Out);
        return (exit, error);
    }

    [Fact]
    public void The_published_binary_keeps_dotnets_messages_as_text()
    {
        // These tests run on the JIT, which always has the text; NativeAOT keeps it only with this setting off.
        var project = XDocument.Load(Path.Join(Conformance.RepositoryRoot(), "src", "Slipway.Cli", "Slipway.Cli.csproj"));
        var setting = project.Descendants("UseSystemResourceKeys").Select(e => e.Value.Trim()).ToList();

        Assert.Equal(["false"], setting);
    }

    /// <summary>An image with no layers, written straight into the store.</summary>
    private async Task SeedImageAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = LocalStore.Open(Root, TimeProvider.System);
        var config = await store.Blobs.WriteAsync(MediaTypes.OciConfig,
            OciJson.Serialize(new ImageConfig { Architecture = "amd64", Os = "linux", RootFs = new RootFs { DiffIds = [] } }), ct);
        var manifest = await store.Blobs.WriteAsync(MediaTypes.OciManifest,
            OciJson.Serialize(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = config, Layers = [] }), ct);
        await store.Refs.SetAsync("docker.io/library/seed:1", manifest, ct);
    }

    private string Context(string dockerfile)
    {
        var dir = Directory.CreateDirectory(Path.Join(_dir.FullName, "ctx-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        File.WriteAllText(Path.Join(dir, "Dockerfile"), dockerfile);
        return dir;
    }

    private static void RequireRuntime() =>
        Capability.Require(Capability.Which("runc") is not null || Capability.Which("crun") is not null, "needs runc or crun");

    [Fact]
    public async Task Load_from_a_missing_file()
    {
        var (exit, error) = await RunAsync("load", "-i", Missing + ".tar");

        Assert.Equal(1, exit);
        Assert.Equal($"ERROR: open {Missing}.tar: no such file or directory\n", error);
    }

    [Fact]
    public async Task Import_from_a_missing_file()
    {
        var (exit, error) = await RunAsync("import", Missing + ".tar");

        Assert.Equal(1, exit);
        Assert.Equal($"ERROR: open {Missing}.tar: no such file or directory\n", error);
    }

    [Fact]
    public async Task Build_with_a_missing_dockerfile()
    {
        var (exit, error) = await RunAsync("build", "-f", Missing + ".Dockerfile", Context("FROM scratch\n"));

        Assert.Equal(1, exit);
        Assert.Equal($"ERROR: failed to read dockerfile: open {Missing}.Dockerfile: no such file or directory\n", error);
    }

    [Fact]
    public async Task Build_with_a_missing_context()
    {
        var (exit, error) = await RunAsync("build", Missing);

        Assert.Equal(1, exit);
        Assert.Equal($"ERROR: unable to prepare context: path \"{Missing}\" not found\n", error);
    }

    [Fact]
    public async Task Build_with_a_dockerfile_but_a_missing_context()
    {
        var (exit, error) = await RunAsync("build", "-f", Path.Join(Context("FROM scratch\nCOPY a /a\n"), "Dockerfile"), Missing);

        Assert.Equal(1, exit);
        Assert.Equal($"ERROR: unable to prepare context: path \"{Missing}\" not found\n", error);
    }

    [Fact]
    public async Task Check_with_a_missing_dockerfile()
    {
        var (exit, error) = await RunAsync("check", "-f", Missing, Context("FROM scratch\n"));

        Assert.Equal(1, exit);
        Assert.Equal($"ERROR: failed to read dockerfile: open {Missing}: no such file or directory\n", error);
    }

    [Fact]
    public async Task Dockerfile_parse_of_a_missing_file()
    {
        var (exit, error) = await RunAsync("dockerfile", "parse", Missing);

        Assert.Equal(1, exit);
        Assert.Equal($"ERROR: failed to read dockerfile: open {Missing}: no such file or directory\n", error);
    }

    [Fact]
    public async Task Save_into_a_missing_directory()
    {
        await SeedImageAsync();

        var (exit, error) = await RunAsync("save", "-o", Path.Join(Missing, "x.tar"), "seed:1");

        Assert.Equal(1, exit);
        Assert.Equal($"ERROR: open {Missing}/x.tar: no such file or directory\n", error);
    }

    [Fact]
    public async Task Size_report_where_it_may_not_write()
    {
        // Read-only sysctls refuse writes even to root.
        const string readOnly = "/proc/sys/kernel/ostype";
        Capability.Require(File.Exists(readOnly), "needs /proc/sys");
        await SeedImageAsync();

        var (exit, error) = await RunAsync("size", "-o", readOnly, "seed:1");

        Assert.Equal(1, exit);
        Assert.Equal($"ERROR: open {readOnly}: permission denied\n", error);
    }

    [Fact]
    public async Task Save_an_oci_layout_where_a_file_exists()
    {
        await SeedImageAsync();
        var file = Path.Join(_dir.FullName, "file");
        await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);

        var (exit, error) = await RunAsync("save", "--format", "oci-layout", "-o", file, "seed:1");

        Assert.Equal(1, exit);
        Assert.Equal($"ERROR: open {file}: file exists\n", error);
    }

    [Fact]
    public async Task Size_report_into_a_missing_directory()
    {
        await SeedImageAsync();

        var (exit, error) = await RunAsync("size", "-o", Path.Join(Missing, "size.txt"), "seed:1");

        Assert.Equal(1, exit);
        Assert.Equal($"ERROR: open {Missing}/size.txt: no such file or directory\n", error);
    }

    [Fact]
    public async Task Prune_with_a_size_too_large_for_a_number()
    {
        var (exit, error) = await RunAsync("prune", "--keep-storage", "99999999999999999999GB");

        Assert.Equal(1, exit);
        Assert.Equal("ERROR: --keep-storage: invalid size \"99999999999999999999GB\": too large\n", error);
    }

    [Fact]
    public async Task An_option_value_out_of_range_is_a_parse_error_with_where_to_look()
    {
        var (exit, error) = await RunAsync("size", "--top", "99999999999", "seed:1");

        Assert.Equal(125, exit);
        Assert.Equal("ERROR: Cannot parse argument '99999999999' for option '--top' as expected type 'System.Int32'.\n\n"
            + "Usage:  slipway size [OPTIONS] IMAGE\n\nRun 'slipway size --help' for more information\n", error);
    }

    [Fact]
    public async Task Load_of_an_archive_with_a_damaged_header()
    {
        var archive = Path.Join(_dir.FullName, "bad.tar");
        await File.WriteAllBytesAsync(archive, DamagedTar(), TestContext.Current.CancellationToken);

        var (exit, error) = await RunAsync("load", "-i", archive);

        Assert.Equal(1, exit);
        Assert.Equal("ERROR: invalid tar header\n", error);
    }

    [Fact]
    public async Task Pull_from_a_server_that_does_not_speak_http()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var serve = AnswerGarbageAsync(listener, stop.Token);

        var (exit, error) = await RunAsync("pull", $"127.0.0.1:{port}/x:1");
        await stop.CancelAsync();
        await serve;

        Assert.Equal(1, exit);
        // Never reached: no "pull access denied", but the request and the cause, as Go's HTTP client words them.
        Assert.Equal($"ERROR: Get \"http://127.0.0.1:{port}/v2/x/manifests/1\": the server's answer is not a valid HTTP response\n", error);
    }

    [Fact]
    public async Task Build_with_a_secret_from_a_missing_file()
    {
        RequireRuntime();

        var (exit, error) = await RunAsync("build", "--progress", "quiet", "--secret", $"id=x,src={Missing}", Context("FROM scratch\n"));

        Assert.Equal(1, exit);
        Assert.Equal($"ERROR: failed to read secret x: open {Missing}: no such file or directory\n", error);
    }

    [Fact]
    public async Task Build_with_an_iidfile_in_a_missing_directory()
    {
        RequireRuntime();

        var (exit, error) = await RunAsync("build", "--progress", "quiet", "--iidfile", Path.Join(Missing, "iid"), Context("FROM scratch\nLABEL a=b\n"));

        // Checked before the build, not after it.
        Assert.Equal(1, exit);
        Assert.Equal($"ERROR: --iidfile {Missing}/iid: directory {Missing} does not exist\n", error);
    }

    [Fact]
    public async Task Build_that_cannot_write_its_iidfile_after_building()
    {
        RequireRuntime();
        Capability.RequireRoot();
        // Read-only sysctls refuse writes even to root; their directory exists, so only the write can tell.
        const string readOnly = "/proc/sys/kernel/ostype";
        Capability.Require(File.Exists(readOnly), "needs /proc/sys");

        var (exit, error) = await RunAsync("build", "--progress", "quiet", "--iidfile", readOnly, Context("FROM scratch\nLABEL a=b\n"));

        Assert.Equal(1, exit);
        Assert.Equal($"ERROR: open {readOnly}: permission denied\n", error);
    }

    /// <summary>One ustar header whose size field holds a letter, with a valid checksum.</summary>
    private static byte[] DamagedTar()
    {
        var archive = new byte[512 * 3];
        void Put(int offset, string text) => Encoding.ASCII.GetBytes(text).CopyTo(archive, offset);
        Put(0, "a.txt");
        Put(100, "0000644\0");
        Put(108, "0000000\0");
        Put(116, "0000000\0");
        Put(124, "0000000001x\0");
        Put(136, "00000000000\0");
        Put(156, "0");
        Put(257, "ustar\0");
        Put(263, "00");
        Put(148, "        ");
        var sum = archive.AsSpan(0, 512).ToArray().Sum(b => b);

        Put(148, Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ");
        return archive;
    }

    private static async Task AnswerGarbageAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync(cancellationToken);
                var stream = client.GetStream();
                _ = await stream.ReadAsync(new byte[4096], cancellationToken);
                await stream.WriteAsync("SSH-2.0-OpenSSH_9.6\r\n"u8.ToArray(), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // The shape of a .NET resource key (words joined by underscores), which a message must never show.
    [GeneratedRegex(@"[A-Za-z0-9]+_[A-Za-z0-9]+_[A-Za-z0-9]+")]
    private static partial Regex ResourceKey();
}
