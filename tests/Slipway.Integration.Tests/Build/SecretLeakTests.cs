using Slipway.Testing;

namespace Slipway.Integration.Tests.Build;

/// <summary>Issue acceptance: a build that writes a --secret value (or its base64) into a layer fails, naming the
/// layer and the path but never the value, and leaves the tag unset; --scan-secrets flags private keys.</summary>
public sealed class SecretLeakTests : IDisposable
{
    private const string SecretValue = "s3cr3t-9f1c2a7e-leak";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-leak-");

    public void Dispose() => _dir.Delete(true);

    private async Task<(SlipwayRunner Runner, string Context, string Secret)> PrepareAsync(string dockerfile)
    {
        Capability.RequireRoot();
        Capability.RequireTool("runc");
        var runner = new SlipwayRunner();
        await runner.OkAsync("import", Rootfs.MakeBusybox(_dir.FullName), "leak-base:1");
        var context = Directory.CreateDirectory(Path.Join(_dir.FullName, "context")).FullName;
        File.WriteAllText(Path.Join(context, "Dockerfile"), dockerfile);
        var secret = Path.Join(_dir.FullName, "token");
        File.WriteAllText(secret, SecretValue);
        return (runner, context, secret);
    }

    [Theory]
    [InlineData("cat /run/secrets/tok > /leak", "/leak")]
    [InlineData("base64 /run/secrets/tok > /b64", "/b64")]
    [InlineData("mkdir -p /x && (echo prefix; cat /run/secrets/tok) | base64 > /x/shifted", "/x/shifted")]
    public async Task A_secret_written_into_a_layer_fails_the_build_naming_layer_and_path_but_not_the_value(string run, string path)
    {
        var (runner, context, secret) = await PrepareAsync($"FROM leak-base:1\nRUN echo fine > /ok\nRUN --mount=type=secret,id=tok {run}\n");
        using (runner)
        {
            var result = await runner.RunAsync("build", "--progress", "plain", "--secret", $"id=tok,src={secret}", "-t", "leaky", context);
            Assert.Equal(1, result.Exit);
            Assert.Contains("secret \"tok\"", result.Error, StringComparison.Ordinal);
            Assert.Contains($"layer 2 (sha256:", result.Error, StringComparison.Ordinal);
            Assert.Contains($"at {path}", result.Error, StringComparison.Ordinal);
            Assert.Contains("RUN --mount=type=secret,id=tok", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(SecretValue, result.Error + result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(SecretValue)), result.Error + result.Output, StringComparison.Ordinal);
            Assert.NotEqual(0, (await runner.RunAsync("inspect", "leaky")).Exit);
        }
    }

    [Fact]
    public async Task A_build_that_only_reads_its_secret_is_tagged()
    {
        var (runner, context, secret) = await PrepareAsync("FROM leak-base:1\nRUN --mount=type=secret,id=tok wc -c /run/secrets/tok > /len\n");
        using (runner)
        {
            await runner.OkAsync("build", "--progress", "plain", "--secret", $"id=tok,src={secret}", "-t", "clean", context);
            await runner.OkAsync("inspect", "clean");
        }
    }

    [Fact]
    public async Task A_private_key_in_a_new_layer_is_flagged_by_scan_secrets()
    {
        var (runner, context, _) = await PrepareAsync(
            "FROM leak-base:1\nRUN mkdir -p /etc/app && printf -- '-----BEGIN RSA PRIVATE KEY-----\\nMIIB\\n-----END RSA PRIVATE KEY-----\\n' > /etc/app/key.pem\n");
        using (runner)
        {
            var warned = await runner.OkAsync("build", "--progress", "plain", "-t", "keyed", "--scan-secrets", context);
            Assert.Contains("private key (PEM) found in layer 1", warned.Error, StringComparison.Ordinal);
            Assert.Contains("at /etc/app/key.pem", warned.Error, StringComparison.Ordinal);

            var failed = await runner.RunAsync("build", "--progress", "plain", "--scan-secrets=error", "-t", "keyed-strict", context);
            Assert.Equal(1, failed.Exit);
            Assert.Contains("private key (PEM) found in layer 1", failed.Error, StringComparison.Ordinal);
            Assert.NotEqual(0, (await runner.RunAsync("inspect", "keyed-strict")).Exit);
        }
    }

    [Fact]
    public async Task A_secret_shorter_than_four_bytes_is_not_scanned_and_a_warning_says_so()
    {
        var (runner, context, _) = await PrepareAsync("FROM leak-base:1\nRUN --mount=type=secret,id=pin cat /run/secrets/pin > /pin\n");
        using (runner)
        {
            var pin = Path.Join(_dir.FullName, "pin");
            File.WriteAllText(pin, "123");
            var result = await runner.OkAsync("build", "--progress", "plain", "--secret", $"id=pin,src={pin}", "-t", "pinned", context);
            Assert.Contains("secret pin is shorter than 4 bytes", result.Error, StringComparison.Ordinal);
        }
    }
}
