using System.Text;
using Slipway.Cli;
using Slipway.Cli.Tests;

namespace Slipway.Integration.Tests;

/// <summary>Runs slipway commands in-process against one store root, as a user at a shell would, with a
/// docker config for registry credentials.</summary>
internal sealed class SlipwayRunner : IDisposable
{
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("slipway-home-");

    public SlipwayRunner(string? root = null)
    {
        Root = root ?? Path.Join(_home.FullName, "root");
    }

    public string Root { get; }

    public string Home => _home.FullName;

    /// <summary>Writes ~/.docker/config.json with credentials for one registry.</summary>
    public void Login(string host, string username, string password)
    {
        var dir = Directory.CreateDirectory(Path.Join(Home, ".docker")).FullName;
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));
        File.WriteAllText(Path.Join(dir, "config.json"), "{\"auths\":{\"" + host + "\":{\"auth\":\"" + auth + "\"}}}");
    }

    public async Task<Result> RunAsync(params string[] args)
    {
        var env = new FakeEnvironment { IsRoot = true };
        env.Variables["HOME"] = Home;
        env.Variables["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        var exit = await SlipwayApp.RunAsync(["--root", Root, .. args], env);
        return new Result(exit, env.Out.ToString(), env.Error.ToString(), env.StandardOutput.ToArray());
    }

    /// <summary>Runs a command that must succeed.</summary>
    public async Task<Result> OkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.Exit == 0, $"slipway {string.Join(' ', args)} exited {result.Exit}: {result.Error}{result.Output}");
        return result;
    }

    public void Dispose() => _home.Delete(true);

    internal sealed record Result(int Exit, string Output, string Error, byte[] Stdout);
}
