using System.Diagnostics;
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

    /// <summary>Environment variables every command sees besides HOME and PATH (DOCKER_HOST for <c>--load</c>).</summary>
    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>Writes ~/.docker/config.json with credentials for one registry.</summary>
    public void Login(string host, string username, string password)
    {
        var dir = Directory.CreateDirectory(Path.Join(Home, ".docker")).FullName;
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));
        File.WriteAllText(Path.Join(dir, "config.json"), "{\"auths\":{\"" + host + "\":{\"auth\":\"" + auth + "\"}}}");
    }

    /// <summary>A directory put before PATH (for a <c>docker-credential-*</c> helper a test provides).</summary>
    public string? PathPrefix { get; set; }

    public Task<Result> RunAsync(params string[] args) => RunWithInputAsync("", args);

    /// <summary>Runs a command with <paramref name="input"/> as its standard input text.</summary>
    public async Task<Result> RunWithInputAsync(string input, params string[] args)
    {
        var env = new FakeEnvironment { IsRoot = true, In = new StringReader(input) };
        env.Variables["HOME"] = Home;
        env.Variables["PATH"] = (PathPrefix is null ? "" : PathPrefix + ":") + (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin");
        foreach (var (name, value) in Variables)
        {
            env.Variables[name] = value;
        }
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

    /// <summary>Asserts that <c>slipway fsck</c> finds nothing wrong with the store.</summary>
    public async Task AssertStoreVerifiesAsync(string when)
    {
        var fsck = await RunAsync("fsck");
        Assert.True(fsck.Exit == 0, $"fsck {when} exited {fsck.Exit}: {fsck.Output}{fsck.Error}");
    }

    /// <summary>Starts a command as its own <c>slipway</c> process (the built CLI under <c>dotnet</c>), for tests that
    /// signal or kill it; what it prints is collected in <see cref="Spawned.Output"/>.</summary>
    public Spawned Start(params string[] args)
    {
        var dll = Path.Join(AppContext.BaseDirectory, "slipway.dll");
        Assert.True(File.Exists(dll), $"the built CLI is missing: {dll}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[dll, "--root", Root, .. args])
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["HOME"] = Home;
        var spawned = new Spawned(Process.Start(start)!);
        spawned.Process.OutputDataReceived += spawned.OnLine;
        spawned.Process.ErrorDataReceived += spawned.OnLine;
        spawned.Process.BeginOutputReadLine();
        spawned.Process.BeginErrorReadLine();
        return spawned;
    }

    public void Dispose() => _home.Delete(true);

    internal sealed class Spawned(Process process) : IDisposable
    {
        private readonly StringBuilder _output = new();

        public Process Process { get; } = process;

        /// <summary>Raised for every line the process prints, on stdout or stderr.</summary>
        public event Action<string>? Line;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        internal void OnLine(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(e.Data);
            }

            Line?.Invoke(e.Data);
        }

        public void Dispose() => Process.Dispose();
    }

    internal sealed record Result(int Exit, string Output, string Error, byte[] Stdout);
}
