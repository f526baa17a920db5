using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Images;
using Slipway.Store.Images;
using Slipway.Oci;
using Slipway.Registry;
using Slipway.Registry.Auth;
using Slipway.Store;

namespace Slipway.Cli;

/// <summary>What a command needs from the process, resolved once: the store, registry clients with the user's
/// credentials, and the streams. Errors that are the user's to fix become one line and exit code 1.</summary>
internal sealed class CommandContext(GlobalOptions globals, ICliEnvironment env, ParseResult parse) : IDisposable
{
    private LocalStore? _store;
    private RegistryClients? _clients;

    public ICliEnvironment Env { get; } = env;

    public ParseResult Parse { get; } = parse;

    public bool Debug => Parse.GetValue(globals.Debug);

    public string Root => StoreRoot.Resolve(Parse.GetValue(globals.Root), Env);

    public LocalStore Store => _store ??= LocalStore.Open(Root, Env.Time);

    public ImageStore Images => new(Store);

    /// <summary>The containers <c>run</c> made (docs/containers.md).</summary>
    public Build.Containers.ContainerStore Containers => new(Store.Layout, Env.Time);

    /// <summary>Set before the first use of <see cref="Clients"/>.</summary>
    public IReadOnlyList<string> InsecureRegistries { get; set; } = [];

    public RegistryClients Clients => _clients ??= new RegistryClients(new RegistryClientOptions
    {
        TimeProvider = Env.Time,
        Credentials = DockerCredentials,
        InsecureRegistries = InsecureRegistries,
    });

    /// <summary>The user's registry credentials, as the docker CLI keeps them.</summary>
    public DockerConfigCredentials DockerCredentials => new(DockerConfigPath(), HelperDirectories);

    /// <summary>Where <c>login</c> keeps credentials and <c>logout</c> removes them: docker's config.json and helpers.</summary>
    public DockerConfigLogins Logins => new(DockerConfigPath(), HelperDirectories);

    /// <summary>Where <c>docker-credential-*</c> helpers are looked for: PATH, as the docker CLI looks.</summary>
    private string[] HelperDirectories => (Env.GetVariable("PATH") ?? "/usr/bin:/bin").Split(':');

    private string DockerConfigPath()
    {
        var dir = Env.GetVariable("DOCKER_CONFIG");
        if (string.IsNullOrEmpty(dir))
        {
            dir = Path.Join(Env.GetVariable("HOME") ?? "/root", ".docker");
        }

        return Path.Join(dir, "config.json");
    }

    /// <summary>A file an output is written to; <c>-</c> is standard output.</summary>
    public Stream OpenOutput(string path) => path == "-" ? Env.OpenStandardOutput() : File.Create(path);

    /// <summary>The platform a <c>--platform</c> names, or null when it was not given.</summary>
    public static Platform? PlatformOrNull(string? value) => string.IsNullOrEmpty(value) ? null : Platform.Parse(value);

    public static Platform PlatformOrHost(string? value) => string.IsNullOrEmpty(value) ? Platform.Host : Platform.Parse(value);

    public void Dispose() => _clients?.Dispose();

    /// <summary>Runs a command body; whatever it throws is rendered by <see cref="ErrorRenderer"/> (one line and exit 1,
    /// not a stack trace; --debug shows the rest).</summary>
    public static Task<int> RunAsync(GlobalOptions globals, ICliEnvironment env, ParseResult parse,
        Func<CommandContext, CancellationToken, Task<int>> body, CancellationToken cancellationToken) =>
        RunAsync(globals, env, parse, dockerfile: null, body, cancellationToken);

    /// <summary>Runs a build's body: as above, and a failed step is shown in <paramref name="dockerfile"/>'s lines.</summary>
    public static async Task<int> RunAsync(GlobalOptions globals, ICliEnvironment env, ParseResult parse, IReadOnlyList<string>? dockerfile,
        Func<CommandContext, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        using var context = new CommandContext(globals, env, parse);
        try
        {
            return await body(context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ErrorRenderer.RenderCanceled(env.Error);
        }
        catch (Exception ex)
        {
            return ErrorRenderer.Render(env.Error, ex, context.Debug, dockerfile: dockerfile);
        }
    }
}
