using System.Text;
using Slipway.Registry.Auth;

namespace Slipway.Registry.Tests.Auth;

public sealed class DockerConfigCredentialsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-docker-config-");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task A_base64_auth_entry_is_used_for_its_host_only()
    {
        var source = Config(AuthsJson("registry.example:5000", B64("alice:s3:cret")));

        Assert.Equal(new RegistryCredential("alice", "s3:cret"), await source.GetAsync("registry.example:5000", Cancel));
        Assert.Null(await source.GetAsync("registry.example", Cancel));
        Assert.Null(await source.GetAsync("evil.example:5000", Cancel));
    }

    [Fact]
    public async Task Keys_with_a_scheme_and_path_match_by_host()
    {
        var source = Config("""{"auths":{"https://registry.example/v1/":{"username":"bob","password":"pw"}}}""");

        Assert.Equal(new RegistryCredential("bob", "pw"), await source.GetAsync("registry.example", Cancel));
    }

    [Fact]
    public async Task Docker_hub_names_share_the_index_entry()
    {
        var source = Config(AuthsJson("https://index.docker.io/v1/", B64("carol:pw")));

        Assert.Equal("carol", (await source.GetAsync("docker.io", Cancel))?.Username);
    }

    [Fact]
    public async Task An_identity_token_is_kept_for_the_oauth_flow()
    {
        var source = Config("""{"auths":{"registry.example":{"identitytoken":"refresh-me"}}}""");

        Assert.Equal("refresh-me", (await source.GetAsync("registry.example", Cancel))?.IdentityToken);
    }

    [Fact]
    public async Task A_missing_config_file_means_no_credentials()
    {
        var source = new DockerConfigCredentials(Path.Join(_dir.FullName, "absent.json"), []);

        Assert.Null(await source.GetAsync("registry.example", Cancel));
    }

    [Fact]
    public async Task A_host_credential_helper_is_asked_with_the_server_on_stdin()
    {
        Helper("pass", """
            read server
            echo "$1 $server" > "$(dirname "$0")/asked"
            printf '{"ServerURL":"%s","Username":"dave","Secret":"from-helper"}' "$server"
            """);
        var source = Config("""{"credHelpers":{"registry.example":"pass"},"auths":{"registry.example":{"auth":"eDp5"}}}""");

        var credential = await source.GetAsync("registry.example", Cancel);

        Assert.Equal(new RegistryCredential("dave", "from-helper"), credential);
        Assert.Equal("get registry.example", File.ReadAllText(Path.Join(_dir.FullName, "asked")).Trim());
    }

    [Fact]
    public async Task The_credential_store_answers_for_hosts_without_a_helper_and_not_found_means_none()
    {
        Helper("store", """
            read server
            if [ "$server" = "known.example" ]; then echo '{"Username":"<token>","Secret":"idt"}'; exit 0; fi
            echo "credentials not found in native keychain"; exit 1
            """);
        var source = Config("""{"credsStore":"store"}""");

        Assert.Equal(new RegistryCredential("", "", "idt"), await source.GetAsync("known.example", Cancel));
        Assert.Null(await source.GetAsync("unknown.example", Cancel));
    }

    [Fact]
    public async Task A_helper_name_cannot_point_outside_the_helper_directories()
    {
        var source = Config("""{"credsStore":"../../bin/sh"}""");

        await Assert.ThrowsAsync<RegistryException>(() => source.GetAsync("registry.example", Cancel).AsTask());
    }

    private DockerConfigCredentials Config(string json)
    {
        var path = Path.Join(_dir.FullName, "config.json");
        File.WriteAllText(path, json);
        return new DockerConfigCredentials(path, [_dir.FullName]);
    }

    private void Helper(string name, string script)
    {
        var path = Path.Join(_dir.FullName, "docker-credential-" + name);
        File.WriteAllText(path, "#!/bin/sh\n" + script + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static string AuthsJson(string key, string auth) =>
        "{\"auths\":{\"" + key + "\":{\"auth\":\"" + auth + "\"}}}";

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
}
