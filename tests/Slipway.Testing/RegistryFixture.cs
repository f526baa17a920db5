using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Slipway.Testing;

/// <summary>A real Distribution registry (<c>docker-registry serve</c>, 2.8) on 127.0.0.1 and a free port, with its
/// storage in a temp directory, anonymous or behind htpasswd or bearer-token auth. Dispose kills it and removes
/// the directory. <see cref="Log"/> holds what the registry printed, for failure messages.</summary>
public sealed class RegistryFixture : IAsyncDisposable
{
    public const string Service = "slipway-test-registry";
    public const string Issuer = "slipway-test-issuer";

    private readonly Process _process;
    private readonly RegistryLog _log;

    private RegistryFixture(RegistryAuthMode mode, int port, string directory, Process process, RegistryLog log,
        string username, string password, TokenServer? tokenServer)
    {
        Mode = mode;
        Host = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        Url = new Uri($"http://{Host}");
        Directory = directory;
        _process = process;
        _log = log;
        Username = username;
        Password = password;
        TokenServer = tokenServer;
    }

    public RegistryAuthMode Mode { get; }

    /// <summary><c>http://127.0.0.1:PORT</c>.</summary>
    public Uri Url { get; }

    /// <summary><c>127.0.0.1:PORT</c>, as it appears in an image reference.</summary>
    public string Host { get; }

    /// <summary>The user that may push and pull (meaningless in anonymous mode).</summary>
    public string Username { get; }

    public string Password { get; }

    /// <summary>The token server in <see cref="RegistryAuthMode.Token"/> mode, otherwise null.</summary>
    public TokenServer? TokenServer { get; }

    /// <summary>The fixture's temp directory: config, credentials and storage.</summary>
    public string Directory { get; }

    /// <summary>The registry's storage root (filesystem driver), for tests that corrupt a blob on purpose.</summary>
    public string StorageDirectory => Path.Join(Directory, "storage");

    public string Log => _log.Text;

    public static async Task<RegistryFixture> StartAsync(RegistryAuthMode mode, bool allowAnonymousPull = false,
        CancellationToken cancellationToken = default)
    {
        var binary = Capability.Which("docker-registry")
            ?? throw new InvalidOperationException("docker-registry is not on PATH (installed by scripts/setup)");
        var directory = System.IO.Directory.CreateTempSubdirectory("slipway-registry-").FullName;
        const string username = "slipway";
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        TokenServer? tokenServer = null;
        try
        {
            var auth = mode switch
            {
                RegistryAuthMode.Anonymous => "",
                RegistryAuthMode.Basic => await BasicAuthConfigAsync(directory, username, password, cancellationToken)
                    .ConfigureAwait(false),
                RegistryAuthMode.Token => TokenAuthConfig(directory,
                    tokenServer = TokenServer.Start(Service, Issuer, username, password, allowAnonymousPull)),
                _ => throw new ArgumentOutOfRangeException(nameof(mode)),
            };

            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort.Find();
                var config = Path.Join(directory, "config.yml");
                await File.WriteAllTextAsync(config, Config(port, Path.Join(directory, "storage"), auth),
                    cancellationToken).ConfigureAwait(false);
                var log = new RegistryLog();
                var process = Launch(binary, config, log);
                var fixture = new RegistryFixture(mode, port, directory, process, log, username, password, tokenServer);
                var started = await fixture.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
                if (started)
                {
                    return fixture;
                }

                await fixture.StopProcessAsync().ConfigureAwait(false);
                if (attempt >= 3 || !log.Text.Contains("address already in use", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"docker-registry did not start:\n{log.Text}");
                }
            }
        }
        catch
        {
            if (tokenServer is not null)
            {
                await tokenServer.DisposeAsync().ConfigureAwait(false);
            }

            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync().ConfigureAwait(false);
        if (TokenServer is not null)
        {
            await TokenServer.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private async Task StopProcessAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    private async Task<bool> WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
            {
                return false;
            }

            try
            {
                // Any HTTP answer (200 or 401) means the registry is serving.
                using var response = await http.GetAsync(new Uri(Url, "/v2/"), cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"docker-registry did not answer /v2/ within 30 s:\n{_log.Text}");
    }

    private static Process Launch(string binary, string config, RegistryLog log)
    {
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(config);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => log.Append(e.Data);
        process.ErrorDataReceived += (_, e) => log.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static string Config(int port, string storage, string auth) => $"""
        version: 0.1
        log:
          level: info
          accesslog:
            disabled: false
        storage:
          filesystem:
            rootdirectory: {storage}
          delete:
            enabled: true
          maintenance:
            uploadpurging:
              enabled: false
        http:
          addr: 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}
          secret: slipway-test-secret
        {auth}
        """;

    private static async Task<string> BasicAuthConfigAsync(string directory, string username, string password,
        CancellationToken cancellationToken)
    {
        var htpasswd = Capability.Which("htpasswd")
            ?? throw new InvalidOperationException("htpasswd is not on PATH (apache2-utils, installed by scripts/setup)");
        var info = new ProcessStartInfo(htpasswd) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-Bbn", username, password })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var entry = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        var error = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"htpasswd failed ({process.ExitCode}): {error}");
        }

        var path = Path.Join(directory, "htpasswd");
        await File.WriteAllTextAsync(path, entry.Trim() + "\n", cancellationToken).ConfigureAwait(false);
        return $"""
            auth:
              htpasswd:
                realm: slipway-basic-realm
                path: {path}
            """;
    }

    private static string TokenAuthConfig(string directory, TokenServer tokenServer)
    {
        var bundle = Path.Join(directory, "token-root.pem");
        File.WriteAllText(bundle, tokenServer.RootCertificatePem);
        return $"""
            auth:
              token:
                realm: {tokenServer.Realm}
                service: {tokenServer.Service}
                issuer: {tokenServer.Issuer}
                rootcertbundle: {bundle}
            """;
    }

    /// <summary>The registry's output, bounded so a chatty run cannot exhaust memory.</summary>
    private sealed class RegistryLog
    {
        private const int Limit = 1 << 20;
        private readonly StringBuilder _text = new();

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_text)
            {
                if (_text.Length > Limit)
                {
                    _text.Remove(0, _text.Length / 2);
                }

                _text.AppendLine(line);
            }
        }
    }
}
