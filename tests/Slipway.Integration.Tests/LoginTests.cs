using System.Text;
using System.Text.Json;
using Slipway.Registry;
using Slipway.Registry.Auth;
using Slipway.Testing;

namespace Slipway.Integration.Tests;

/// <summary><c>login</c> and <c>logout</c> against a real registry behind Basic and token auth: the credentials are
/// checked before they are kept, kept where the docker CLI keeps them (config.json, or a credential helper), used by
/// the next pull, and removed again; every message is docker's.</summary>
public sealed class LoginTests
{
    public static TheoryData<RegistryAuthMode> Modes => [RegistryAuthMode.Basic, RegistryAuthMode.Token];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<RegistryFixture> StartAsync(RegistryAuthMode mode)
    {
        Capability.RequireTool("docker-registry");
        var registry = await RegistryFixture.StartAsync(mode, cancellationToken: Ct);
        using var client = new RegistryClient(RegistryEndpoint.For(registry.Host), new RegistryClientOptions
        {
            TimeProvider = TimeProvider.System,
            Credentials = new StaticCredentials(registry.Host, new RegistryCredential(registry.Username, registry.Password)),
        });
        var layer = FakeLayer.Of(("hello.txt", "hello"u8.ToArray()));
        var manifest = await RemoteImages.PushImageAsync(client, "test/hello", Slipway.Oci.Platform.Host.Architecture, [layer], cancellationToken: Ct);
        await RemoteImages.TagAsync(client, "test/hello", "1", manifest, Ct);
        return registry;
    }

    private static string ConfigPath(SlipwayRunner runner) => Path.Join(runner.Home, ".docker", "config.json");

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Login_with_the_password_on_stdin_checks_it_keeps_it_in_config_json_and_a_pull_uses_it(RegistryAuthMode mode)
    {
        await using var registry = await StartAsync(mode);
        using var runner = new SlipwayRunner();
        var pull = $"{registry.Host}/test/hello:1";
        var denied = await runner.RunAsync("pull", "-q", pull);
        Assert.Equal(1, denied.Exit);
        Assert.StartsWith($"ERROR: pull access denied for {registry.Host}/test/hello, repository does not exist or may require authorization: ",
            denied.Error, StringComparison.Ordinal);

        var login = await runner.RunWithInputAsync(registry.Password + "\n", "login", "-u", registry.Username, "--password-stdin", registry.Host);

        Assert.Equal(0, login.Exit);
        Assert.Equal("Login Succeeded\n", login.Output);
        Assert.Equal($"\nWARNING! Your credentials are stored unencrypted in '{ConfigPath(runner)}'.\n"
            + "Configure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n", login.Error);
        using (var config = JsonDocument.Parse(await File.ReadAllTextAsync(ConfigPath(runner), Ct)))
        {
            Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{registry.Username}:{registry.Password}")),
                config.RootElement.GetProperty("auths").GetProperty(registry.Host).GetProperty("auth").GetString());
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ConfigPath(runner)));
        await runner.OkAsync("pull", "-q", pull);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Login_with_a_wrong_password_fails_as_docker_says_and_keeps_nothing(RegistryAuthMode mode)
    {
        await using var registry = await StartAsync(mode);
        using var runner = new SlipwayRunner();

        var login = await runner.RunWithInputAsync("wrong\n", "login", "-u", registry.Username, "--password-stdin", registry.Host);

        Assert.Equal(1, login.Exit);
        Assert.Equal($"ERROR: login attempt to http://{registry.Host}/v2/ failed with status: 401 Unauthorized\n", login.Error);
        Assert.False(File.Exists(ConfigPath(runner)));
    }

    [Fact]
    public async Task A_password_on_the_command_line_warns_and_logout_removes_the_login_once()
    {
        await using var registry = await StartAsync(RegistryAuthMode.Basic);
        using var runner = new SlipwayRunner();
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath(runner))!);
        await File.WriteAllTextAsync(ConfigPath(runner), "{\"auths\":{},\"psFormat\":\"table {{.ID}}\"}", Ct);

        var login = await runner.RunAsync("login", "-u", registry.Username, "-p", registry.Password, registry.Host);
        Assert.Equal(0, login.Exit);
        Assert.StartsWith("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n", login.Error, StringComparison.Ordinal);

        var logout = await runner.OkAsync("logout", registry.Host);
        Assert.Equal($"Removing login credentials for {registry.Host}\n", logout.Output);
        using (var config = JsonDocument.Parse(await File.ReadAllTextAsync(ConfigPath(runner), Ct)))
        {
            Assert.False(config.RootElement.GetProperty("auths").TryGetProperty(registry.Host, out _));
            // What else the file holds is the docker CLI's, kept as it was.
            Assert.Equal("table {{.ID}}", config.RootElement.GetProperty("psFormat").GetString());
        }

        Assert.Equal($"Not logged in to {registry.Host}\n", (await runner.OkAsync("logout", registry.Host)).Output);
        Assert.Equal(1, (await runner.RunAsync("pull", "-q", $"{registry.Host}/test/hello:1")).Exit);
    }

    [Fact]
    public async Task Login_mistakes_are_named_before_the_registry_is_asked()
    {
        using var runner = new SlipwayRunner();

        var both = await runner.RunWithInputAsync("x\n", "login", "-u", "a", "-p", "b", "--password-stdin", "127.0.0.1:1");
        var noUser = await runner.RunWithInputAsync("x\n", "login", "--password-stdin", "127.0.0.1:1");

        Assert.Equal((1, "ERROR: --password and --password-stdin are mutually exclusive\n"), (both.Exit, both.Error));
        Assert.Equal((1, "ERROR: Must provide --username with --password-stdin\n"), (noUser.Exit, noUser.Error));
    }

    [Fact]
    public async Task With_a_credential_store_configured_login_stores_through_the_helper_and_logout_erases_there()
    {
        await using var registry = await StartAsync(RegistryAuthMode.Token);
        using var runner = new SlipwayRunner();
        var helpers = Directory.CreateDirectory(Path.Join(runner.Home, "helpers")).FullName;
        var kept = Path.Join(runner.Home, "helper-store");
        // A helper as docker-credential-helpers behave: store reads JSON, get prints it, erase forgets it.
        var script = Path.Join(helpers, "docker-credential-test");
        await File.WriteAllTextAsync(script, $$"""
            #!/bin/sh
            case "$1" in
              store) cat > '{{kept}}' ;;
              get) read server; if [ -f '{{kept}}' ]; then cat '{{kept}}'; else echo "credentials not found in native keychain"; exit 1; fi ;;
              erase) read server; if [ -f '{{kept}}' ]; then rm '{{kept}}'; else echo "credentials not found in native keychain"; exit 1; fi ;;
            esac
            """, Ct);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        runner.PathPrefix = helpers;
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath(runner))!);
        await File.WriteAllTextAsync(ConfigPath(runner), "{\"credsStore\":\"test\"}", Ct);

        var login = await runner.RunWithInputAsync(registry.Password, "login", "-u", registry.Username, "--password-stdin", registry.Host);

        Assert.Equal((0, "Login Succeeded\n", ""), (login.Exit, login.Output, login.Error));
        using (var stored = JsonDocument.Parse(await File.ReadAllTextAsync(kept, Ct)))
        {
            Assert.Equal(registry.Host, stored.RootElement.GetProperty("ServerURL").GetString());
            Assert.Equal(registry.Username, stored.RootElement.GetProperty("Username").GetString());
            Assert.Equal(registry.Password, stored.RootElement.GetProperty("Secret").GetString());
        }

        Assert.DoesNotContain(registry.Password, await File.ReadAllTextAsync(ConfigPath(runner), Ct), StringComparison.Ordinal);
        await runner.OkAsync("pull", "-q", $"{registry.Host}/test/hello:1");
        Assert.Equal($"Removing login credentials for {registry.Host}\n", (await runner.OkAsync("logout", registry.Host)).Output);
        Assert.False(File.Exists(kept));
    }
}
