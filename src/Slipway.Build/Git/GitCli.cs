using System.Diagnostics;
using Slipway.Build.Engine;

namespace Slipway.Build.Git;

/// <summary>How git runs for a build: an empty home (no user or system config is read), the configuration it is
/// given instead (an auth header reaches git through <c>GIT_CONFIG_*</c> variables, never its command line or a
/// config file), the ssh agent socket of <c>--ssh default</c>, and how long one command may take.</summary>
public sealed record GitSettings(string Home, TimeSpan Timeout)
{
    /// <summary>Configuration for every command, as <c>git -c KEY=VALUE</c> would give it.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Config { get; init; } = [];

    public string? SshAuthSock { get; init; }

    /// <summary>Values (credentials) to cut out of any message git prints before it is shown.</summary>
    public IReadOnlyList<string> Hidden { get; init; } = [];
}

/// <summary>The system's <c>git</c>, run as a process as BuildKit's <c>gitutil.GitCLI</c> runs it: a clean
/// environment (PATH and the proxy variables only, no terminal prompt, no system or global config, LC_ALL=C),
/// umask 022 so checked-out files are 0644 or 0755, <c>protocol.file.allow=user</c>, and the same retries (without
/// <c>--depth</c> when the server cannot do shallow fetches, without the commit when it will not serve an
/// unadvertised one). Cancellation or the timeout kills git and everything it started.</summary>
public sealed class GitCli(GitSettings settings, string? gitDir = null, string? workTree = null)
{
    private static readonly string[] Passed = ["PATH", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy"];

    /// <summary>The repository this git works on (<c>--git-dir</c>), when set.</summary>
    public string? GitDir => gitDir;

    /// <summary>The same git on another repository or work tree.</summary>
    public GitCli At(string? repository, string? tree = null) => new(settings, repository, tree);

    /// <summary>Runs <c>git ARGS</c> and returns what it printed on stdout; fails with what it printed on stderr.</summary>
    public async Task<string> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        var attempt = args.ToList();
        while (true)
        {
            var (exit, stdout, stderr) = await RunOnceAsync(attempt, cancellationToken).ConfigureAwait(false);
            if (exit == 0)
            {
                return stdout;
            }

            if (exit == 127)
            {
                throw new BuildException("git is not installed: ADD of a git repository runs the system's git (install the git package)");
            }

            if ((stderr.Contains("--depth", StringComparison.Ordinal) || stderr.Contains("shallow", StringComparison.Ordinal))
                && attempt.Remove("--depth=1"))
            {
                continue;
            }

            if ((stderr.Contains("not our ref", StringComparison.Ordinal) || stderr.Contains("unadvertised object", StringComparison.Ordinal))
                && attempt.Count > 2 && attempt[0] == "fetch" && GitRef.IsCommitSha(attempt[^1]))
            {
                attempt.RemoveAt(attempt.Count - 1);
                continue;
            }

            throw new BuildException($"git {attempt[0]} failed: {Shown(stderr.Trim())}");
        }
    }

    public Task<string> RunAsync(CancellationToken cancellationToken, params string[] args) => RunAsync((IReadOnlyList<string>)args, cancellationToken);

    /// <summary>Text from git as it may be shown: credentials in URLs and the hidden values cut out.</summary>
    public string Shown(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var hidden in settings.Hidden.Where(h => h.Length > 0))
        {
            text = text.Replace(hidden, "xxxxx", StringComparison.Ordinal);
        }

        return AddSources.Redact(text);
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunOnceAsync(List<string> args, CancellationToken cancellationToken)
    {
        // sh sets the umask git runs with (Process cannot), then becomes git.
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workTree ?? settings.Home,
        };
        foreach (var arg in (string[])["-c", "umask 022 && exec git \"$@\"", "git", "-c", "protocol.file.allow=user"])
        {
            start.ArgumentList.Add(arg);
        }

        if (gitDir is not null)
        {
            start.ArgumentList.Add("--git-dir=" + gitDir);
        }

        if (workTree is not null)
        {
            start.ArgumentList.Add("--work-tree=" + workTree);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        SetEnvironment(start.Environment);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        using var process = Process.Start(start) ?? throw new BuildException("cannot start git: is it installed?");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It had exited already.
            }

            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new BuildException($"git {args[0]} did not finish within {settings.Timeout.TotalMinutes:0.#} minutes");
        }

        return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    private void SetEnvironment(IDictionary<string, string?> environment)
    {
        foreach (var name in environment.Keys.Where(k => !Passed.Contains(k, StringComparer.Ordinal)).ToList())
        {
            environment.Remove(name);
        }

        environment["GIT_TERMINAL_PROMPT"] = "0";
        environment["GIT_CONFIG_NOSYSTEM"] = "1";
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        environment["HOME"] = settings.Home;
        environment["XDG_CONFIG_HOME"] = settings.Home;
        environment["LC_ALL"] = "C";
        // No ssh config of the user's; BatchMode so a missing key fails instead of asking for a password.
        environment["GIT_SSH_COMMAND"] = "ssh -F /dev/null -o StrictHostKeyChecking=no -o BatchMode=yes";
        if (settings.SshAuthSock is { } sock)
        {
            environment["SSH_AUTH_SOCK"] = sock;
        }

        environment["GIT_CONFIG_COUNT"] = settings.Config.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < settings.Config.Count; i++)
        {
            environment[$"GIT_CONFIG_KEY_{i}"] = settings.Config[i].Key;
            environment[$"GIT_CONFIG_VALUE_{i}"] = settings.Config[i].Value;
        }
    }

    /// <summary>Lines of git's output, without the empty last one.</summary>
    public static IEnumerable<string> Lines(string output) =>
        (output ?? "").Split('\n').Where(l => l.Length > 0);
}
