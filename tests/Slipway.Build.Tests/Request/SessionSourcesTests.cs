using Slipway.Build.Request;

namespace Slipway.Build.Tests.Request;

public sealed class SessionSourcesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-session-");

    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    public void Dispose() => _dir.Delete(true);

    private string? Variable(string name) => _variables.GetValueOrDefault(name);

    [Fact]
    public void A_secret_comes_from_a_file_a_named_variable_or_the_variable_named_like_its_id()
    {
        var file = Path.Join(_dir.FullName, "token");
        File.WriteAllText(file, "from-file");
        _variables["GH"] = "from-env";
        _variables["npm"] = "by-id";

        Assert.True(SessionSources.TryReadSecret($"id=a,src={file}", Variable, out var id, out var value, out _));
        Assert.Equal(("a", "from-file"), (id, System.Text.Encoding.UTF8.GetString(value)));
        Assert.True(SessionSources.TryReadSecret("id=b,env=GH", Variable, out _, out value, out _));
        Assert.Equal("from-env", System.Text.Encoding.UTF8.GetString(value));
        Assert.True(SessionSources.TryReadSecret("id=npm", Variable, out _, out value, out _));
        Assert.Equal("by-id", System.Text.Encoding.UTF8.GetString(value));
        Assert.True(SessionSources.TryReadSecret("id=c,src=GH,type=env", Variable, out _, out value, out _));
        Assert.Equal("from-env", System.Text.Encoding.UTF8.GetString(value));
    }

    [Fact]
    public void A_secret_that_cannot_be_read_says_which_without_its_value()
    {
        Assert.False(SessionSources.TryReadSecret("src=/x", Variable, out _, out _, out var error));
        Assert.Equal("--secret needs id=", error);
        Assert.False(SessionSources.TryReadSecret("id=t,env=MISSING", Variable, out _, out _, out error));
        Assert.Equal("secret t: environment variable MISSING is not set", error);
        Assert.False(SessionSources.TryReadSecret("id=t,mode=0400", Variable, out _, out _, out error));
        Assert.Equal("invalid --secret field \"mode\" (expected id, src, env or type)", error);
    }

    [Fact]
    public void An_ssh_socket_is_the_one_given_or_ssh_auth_sock_and_must_exist()
    {
        var socket = Path.Join(_dir.FullName, "agent.sock");
        File.WriteAllText(socket, "");
        _variables["SSH_AUTH_SOCK"] = socket;

        Assert.True(SessionSources.TryFindSshSocket("default", Variable, out var id, out var found, out _));
        Assert.Equal(("default", socket), (id, found));
        Assert.True(SessionSources.TryFindSshSocket($"git={socket}", Variable, out id, out found, out _));
        Assert.Equal(("git", socket), (id, found));
        Assert.False(SessionSources.TryFindSshSocket("git=/nonexistent.sock", Variable, out _, out _, out var error));
        Assert.Equal("--ssh git: no agent socket (set SSH_AUTH_SOCK or pass git=PATH)", error);
    }
}
