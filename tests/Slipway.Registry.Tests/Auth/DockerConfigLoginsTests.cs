using System.Text.Json;
using Slipway.Registry.Auth;

namespace Slipway.Registry.Tests.Auth;

/// <summary>What login writes into docker's config.json is what the docker CLI writes and what
/// <see cref="DockerConfigCredentials"/> reads back; the rest of the file is left as it was.</summary>
public sealed class DockerConfigLoginsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-docker-logins-");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Delete(recursive: true);

    private string ConfigPath => Path.Join(_dir.FullName, "docker", "config.json");

    [Fact]
    public async Task A_stored_login_is_base64_user_colon_password_under_the_host_and_reads_back()
    {
        var logins = new DockerConfigLogins(ConfigPath, []);

        var helper = await logins.StoreAsync("https://registry.example:5000/v2/", new RegistryCredential("alice", "s3:cret"), Cancel);

        Assert.Null(helper);
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(ConfigPath, Cancel));
        Assert.Equal("YWxpY2U6czM6Y3JldA==", config.RootElement.GetProperty("auths").GetProperty("registry.example:5000").GetProperty("auth").GetString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ConfigPath));
        Assert.Equal(new RegistryCredential("alice", "s3:cret"), await new DockerConfigCredentials(ConfigPath, []).GetAsync("registry.example:5000", Cancel));
    }

    [Fact]
    public async Task Docker_hub_is_kept_under_the_index_key_and_other_fields_survive_a_login_and_a_logout()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        await File.WriteAllTextAsync(ConfigPath, """{"auths":{"other.example":{"auth":"eDp5"}},"psFormat":"table {{.ID}}","proxies":{"default":{"httpProxy":"http://p:3128"}}}""", Cancel);
        var logins = new DockerConfigLogins(ConfigPath, []);

        await logins.StoreAsync("docker.io", new RegistryCredential("bob", "pw"), Cancel);
        var afterLogin = JsonDocument.Parse(await File.ReadAllTextAsync(ConfigPath, Cancel)).RootElement;
        var erased = await logins.EraseAsync("index.docker.io", Cancel);
        var erasedAgain = await logins.EraseAsync("docker.io", Cancel);

        Assert.True(afterLogin.GetProperty("auths").TryGetProperty("https://index.docker.io/v1/", out _));
        Assert.True(erased);
        Assert.False(erasedAgain);
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(ConfigPath, Cancel));
        Assert.Equal(["other.example"], config.RootElement.GetProperty("auths").EnumerateObject().Select(p => p.Name));
        Assert.Equal("table {{.ID}}", config.RootElement.GetProperty("psFormat").GetString());
        Assert.Equal("http://p:3128", config.RootElement.GetProperty("proxies").GetProperty("default").GetProperty("httpProxy").GetString());
    }

    [Fact]
    public async Task A_host_credential_helper_gets_the_login_as_json_and_the_file_only_an_empty_entry()
    {
        var bin = Directory.CreateDirectory(Path.Join(_dir.FullName, "bin")).FullName;
        var kept = Path.Join(_dir.FullName, "kept");
        var script = Path.Join(bin, "docker-credential-vault");
        await File.WriteAllTextAsync(script, $"#!/bin/sh\necho \"$1\" >> '{kept}.verbs'\ncat >> '{kept}'\necho >> '{kept}'\n", Cancel);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        await File.WriteAllTextAsync(ConfigPath, """{"credHelpers":{"registry.example":"vault"}}""", Cancel);
        var logins = new DockerConfigLogins(ConfigPath, [bin]);

        var helper = await logins.StoreAsync("registry.example", new RegistryCredential("carol", "pw"), Cancel);
        var erased = await logins.EraseAsync("registry.example", Cancel);

        Assert.Equal("vault", helper);
        Assert.True(erased);
        Assert.Equal(["store", "erase"], await File.ReadAllLinesAsync(kept + ".verbs", Cancel));
        var lines = await File.ReadAllLinesAsync(kept, Cancel);
        Assert.Equal("""{"ServerURL":"registry.example","Username":"carol","Secret":"pw"}""", lines[0]);
        Assert.Equal("registry.example", lines[1]);
        Assert.DoesNotContain("pw", await File.ReadAllTextAsync(ConfigPath, Cancel), StringComparison.Ordinal);
    }
}
