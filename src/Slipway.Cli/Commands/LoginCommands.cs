using System.CommandLine;
using System.Net;
using Slipway.Cli.Output;
using Slipway.Registry;
using Slipway.Registry.Auth;

namespace Slipway.Cli.Commands;

/// <summary><c>login</c> and <c>logout</c> as the docker CLI has them: the credentials are tried against the
/// registry (<c>GET /v2/</c> through the Basic or token flow its challenge asks for) before they are kept, in
/// docker's config.json or the credential helper it names, where <c>pull</c>, <c>push</c> and <c>build</c> find
/// them.</summary>
internal static class LoginCommands
{
    private const string DockerHub = "docker.io";

    public static Command Login(GlobalOptions globals, ICliEnvironment env)
    {
        var server = new Argument<string?>("SERVER") { Arity = ArgumentArity.ZeroOrOne };
        var username = new Option<string?>("--username", "-u") { Description = "Username" };
        var password = new Option<string?>("--password", "-p") { Description = "Password or Personal Access Token (PAT)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Take the Password or Personal Access Token (PAT) from stdin" };
        var insecure = TransferCommands.InsecureOption();
        var command = new Command("login", "Authenticate to a registry (defaults to Docker Hub if no server is specified)")
        {
            server, username, password, passwordStdin, insecure,
        };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var user = parse.GetValue(username);
            var secret = parse.GetValue(password);
            var fromStdin = parse.GetValue(passwordStdin);
            if (secret is not null && fromStdin)
            {
                return ErrorRenderer.Fail(ctx.Env.Error, "--password and --password-stdin are mutually exclusive");
            }

            if (fromStdin && string.IsNullOrEmpty(user))
            {
                return ErrorRenderer.Fail(ctx.Env.Error, "Must provide --username with --password-stdin");
            }

            if (secret is not null)
            {
                ctx.Env.Error.WriteLine("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
            }

            if (fromStdin)
            {
                // As docker: one trailing newline (and a carriage return before it) is not part of the password.
                secret = (await ctx.Env.In.ReadToEndAsync(token).ConfigureAwait(false)).TrimEnd('\n').TrimEnd('\r');
            }

            var host = DockerConfigLogins.HostOf(parse.GetValue(server) is { Length: > 0 } given ? given : DockerHub);
            RegistryCredential credential;
            if (string.IsNullOrEmpty(user) && secret is null
                && await ctx.DockerCredentials.GetAsync(host, token).ConfigureAwait(false) is { } stored)
            {
                ctx.Env.Out.WriteLine("Authenticating with existing credentials...");
                credential = stored;
            }
            else if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(secret))
            {
                // No prompt: a password typed at one would echo. Scripts give it on standard input.
                return ErrorRenderer.Fail(ctx.Env.Error,
                    "Cannot perform an interactive login: give --username with --password-stdin (or --password)");
            }
            else
            {
                credential = new RegistryCredential(user, secret);
            }

            await VerifyAsync(ctx, host, credential, parse.GetValue(insecure) ?? [], token).ConfigureAwait(false);
            var logins = ctx.Logins;
            if (await logins.StoreAsync(host, credential, token).ConfigureAwait(false) is null)
            {
                ctx.Env.Error.WriteLine();
                ctx.Env.Error.WriteLine($"WARNING! Your credentials are stored unencrypted in '{logins.ConfigPath}'.");
                ctx.Env.Error.WriteLine("Configure a credential helper to remove this warning. See");
                ctx.Env.Error.WriteLine("https://docs.docker.com/go/credential-store/");
                ctx.Env.Error.WriteLine();
            }

            ctx.Env.Out.WriteLine("Login Succeeded");
            return 0;
        }, ct));
        return command;
    }

    public static Command Logout(GlobalOptions globals, ICliEnvironment env)
    {
        var server = new Argument<string?>("SERVER") { Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("logout", "Log out from a registry (defaults to Docker Hub if no server is specified)") { server };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var key = DockerConfigLogins.KeyOf(parse.GetValue(server) is { Length: > 0 } given ? given : DockerHub);
            ctx.Env.Out.WriteLine(await ctx.Logins.EraseAsync(key, token).ConfigureAwait(false)
                ? $"Removing login credentials for {key}"
                : $"Not logged in to {key}");
            return 0;
        }, ct));
        return command;
    }

    /// <summary>GET /v2/ with the credentials: Basic, or a token fetched with them, as the registry's challenge
    /// asks. A refusal reads as docker's: <c>login attempt to URL failed with status: 401 Unauthorized</c>.</summary>
    private static async Task VerifyAsync(CommandContext ctx, string host, RegistryCredential credential, IReadOnlyList<string> insecure,
        CancellationToken cancellationToken)
    {
        using var client = new RegistryClient(RegistryEndpoint.For(host, insecure), new RegistryClientOptions
        {
            TimeProvider = ctx.Env.Time,
            Credentials = new StaticCredentials(host, credential),
            InsecureRegistries = insecure,
        });
        try
        {
            await client.PingAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException ex) when (ex.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            var status = ex.StatusCode == HttpStatusCode.Unauthorized ? "401 Unauthorized" : "403 Forbidden";
            throw new RegistryException($"login attempt to {client.Endpoint.BaseUri}v2/ failed with status: {status}", ex.StatusCode, ex.Errors, ex);
        }
    }
}
