using System.Diagnostics;
using System.Text;
using Slipway.Testing;

namespace Slipway.Integration.Tests;

/// <summary>A private dockerd (from Debian's docker.io) with its data, exec root, socket and pid file in a temp
/// directory, no iptables and no bridge, so it touches nothing of the machine's and leaves nothing behind. Uses
/// <c>/usr/bin/docker</c>, the client of the same package.</summary>
internal sealed class DockerDaemon : IAsyncDisposable
{
    public const string Client = "/usr/bin/docker";
    public const string Daemon = "/usr/sbin/dockerd";

    private readonly DirectoryInfo _dir;
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private DockerDaemon(DirectoryInfo dir, Process process)
    {
        _dir = dir;
        _process = process;
    }

    public string Socket => Path.Join(_dir.FullName, "docker.sock");

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts dockerd and waits until it answers; skips (fails under CI) when docker.io is not installed or
    /// the daemon cannot start on this machine, with dockerd's own last words as the reason.</summary>
    public static async Task<DockerDaemon> StartAsync(CancellationToken cancellationToken)
    {
        Capability.RequireRoot();
        Capability.Require(File.Exists(Daemon) && File.Exists(Client),
            $"needs {Daemon} and {Client} from Debian's docker.io (installed by scripts/setup)");
        // Short: the socket path of the managed containerd under exec-root must fit in sun_path (108 bytes).
        var dir = Directory.CreateTempSubdirectory("sw-dockerd-");
        var info = new ProcessStartInfo(Daemon)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["--iptables=false", "--bridge=none",
                     "--data-root", Path.Join(dir.FullName, "data"), "--exec-root", Path.Join(dir.FullName, "exec"),
                     "-H", $"unix://{Path.Join(dir.FullName, "docker.sock")}", "--pidfile", Path.Join(dir.FullName, "pid")])
        {
            info.ArgumentList.Add(a);
        }

        var process = new Process { StartInfo = info };
        var daemon = new DockerDaemon(dir, process);
        process.OutputDataReceived += (_, e) => daemon.Append(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                var log = daemon.Log;
                await daemon.DisposeAsync();
                var last = log.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "(no output)";
                Capability.Require(false, $"dockerd cannot start on this machine: {last}");
            }

            if ((await daemon.TryRunAsync(["version"], cancellationToken)).Exit == 0)
            {
                return daemon;
            }

            await Task.Delay(200, cancellationToken);
        }

        var text = daemon.Log;
        await daemon.DisposeAsync();
        throw new TimeoutException($"dockerd did not answer within 60 s:\n{text}");
    }

    /// <summary>Runs the docker client against this daemon; returns the exit code, stdout and stderr.</summary>
    public async Task<(int Exit, string Output, string Error)> TryRunAsync(IEnumerable<string> args,
        CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Client)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-H");
        info.ArgumentList.Add($"unix://{Socket}");
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        // The client must not read the user's docker config or contexts.
        info.Environment["DOCKER_CONFIG"] = Path.Join(_dir.FullName, "client");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    public async Task<string> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        var (exit, output, error) = await TryRunAsync(args, cancellationToken);
        Assert.True(exit == 0, $"docker {string.Join(' ', args)} exited {exit}: {error}\n--- dockerd:\n{Tail(Log)}");
        return output;
    }

    /// <summary>Stops dockerd with SIGTERM (it stops its containerd and unmounts), then removes the directory after
    /// lazily unmounting anything still mounted below it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    await kill.WaitForExitAsync();
                }

                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
        UnmountBelow(_dir.FullName);
        _dir.Delete(recursive: true);
    }

    private static void UnmountBelow(string root)
    {
        var prefix = root.TrimEnd('/') + "/";
        var mounts = File.ReadAllLines("/proc/self/mountinfo")
            .Select(line => line.Split(' ')[4].Replace("\\040", " ", StringComparison.Ordinal))
            .Where(point => point.StartsWith(prefix, StringComparison.Ordinal))
            .OrderByDescending(point => point.Length);
        foreach (var point in mounts)
        {
            using var umount = Process.Start("umount", ["-l", point]);
            umount.WaitForExit();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private static string Tail(string log) => log.Length > 4000 ? log[^4000..] : log;
}
