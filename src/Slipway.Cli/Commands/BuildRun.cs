using System.CommandLine;
using Slipway.Build.Engine;
using Slipway.Build.Images;
using Slipway.Cli.Output;
using Slipway.Oci;
using Slipway.Runtime;

namespace Slipway.Cli.Commands;

/// <summary>The options of a real build and what runs it; <see cref="BuildCommand"/> owns the command.</summary>
internal sealed class BuildRunOptions
{
    public Option<string[]> Tags { get; } = new("--tag", "-t") { Description = "Name and optionally a tag (format: name:tag)", HelpName = "NAME[:TAG]" };

    public Option<bool> NoCache { get; } = new("--no-cache") { Description = "Do not use cache when building the image" };

    public Option<string> Progress { get; } = new("--progress") { Description = "Set type of progress output (auto, plain, quiet)", DefaultValueFactory = _ => "auto" };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Suppress the build output and print image ID on success" };

    public Option<string?> IidFile { get; } = new("--iidfile") { Description = "Write the image ID to a file", HelpName = "FILE" };

    public Option<string?> Runtime { get; } = new("--runtime") { Description = "OCI runtime for RUN: runc, crun or a path (default: the first that works here)" };

    public Option<string?> Platform { get; } = new("--platform") { Description = "Set target platform for build" };

    public Option<string[]> Secrets { get; } = new("--secret")
    {
        Description = "Secret to expose to the build (format: id=mysecret[,src=/local/secret] or id=mysecret,env=VAR)",
        HelpName = "id=ID,src=FILE|env=VAR",
    };

    public IEnumerable<Option> All => [Tags, NoCache, Progress, Quiet, IidFile, Runtime, Platform, Secrets];
}

internal static class BuildRun
{
    public static async Task<int> RunAsync(CommandContext ctx, BuildRunOptions o, string contextDir, string? dockerfilePath, string text,
        string? target, IReadOnlyDictionary<string, string> buildArgs, CancellationToken cancellationToken)
    {
        var parse = ctx.Parse;
        var candidates = RuntimeDetector.Detect(ctx.Env.GetVariable("PATH"), RuntimeDetector.DetectCgroupLayout());
        var runtime = RuntimeDetector.Choose(candidates, parse.GetValue(o.Runtime), out var runtimeError);
        if (runtime?.Path is null)
        {
            ctx.Env.Error.WriteLine($"ERROR: {runtimeError}");
            return 1;
        }

        var platform = CommandContext.PlatformOrHost(parse.GetValue(o.Platform));
        if (platform.Architecture != Oci.Platform.Host.Architecture)
        {
            ctx.Env.Error.WriteLine($"ERROR: building for {platform} on {Oci.Platform.Host} is not supported yet");
            return 1;
        }

        var tags = (parse.GetValue(o.Tags) ?? []).Select(ImageStore.ParseTarget).ToList();
        var secrets = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var spec in parse.GetValue(o.Secrets) ?? [])
        {
            if (!TryReadSecret(ctx.Env, spec, out var id, out var value, out var secretError))
            {
                ctx.Env.Error.WriteLine($"ERROR: {secretError}");
                return 1;
            }

            secrets[id] = value;
        }

        var quiet = parse.GetValue(o.Quiet) || parse.GetValue(o.Progress) == "quiet";
        var progress = new PlainProgress(ctx.Env.Error, quiet);
        var epoch = ctx.Env.GetVariable("SOURCE_DATE_EPOCH") is { } e && long.TryParse(e, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : (DateTimeOffset?)null;
        var options = new BuildOptions
        {
            ContextDir = Path.GetFullPath(contextDir),
            DockerfileText = text,
            DockerfileName = dockerfilePath is null ? "Dockerfile" : Path.GetFileName(dockerfilePath),
            DockerfilePath = dockerfilePath,
            Target = target,
            BuildArgs = buildArgs,
            Tags = tags,
            NoCache = parse.GetValue(o.NoCache),
            Platform = platform,
            RuntimePath = runtime.Path,
            SourceDateEpoch = epoch,
            Secrets = secrets,
        };
        try
        {
            var result = await new Builder(ctx.Store, ctx.Clients, progress).BuildAsync(options, cancellationToken).ConfigureAwait(false);
            var id = result.Image.Id.Value;
            if (!quiet)
            {
                ctx.Env.Error.WriteLine($"#0 writing image {id} done");
                foreach (var tag in tags)
                {
                    ctx.Env.Error.WriteLine($"#0 naming to {tag} done");
                }
            }
            else
            {
                ctx.Env.Out.WriteLine(id);
            }

            if (parse.GetValue(o.IidFile) is { } iid)
            {
                await File.WriteAllTextAsync(iid, id, cancellationToken).ConfigureAwait(false);
            }

            return 0;
        }
        catch (Exception ex) when (ex is DockerfileException or BuildException)
        {
            ctx.Env.Error.WriteLine($"ERROR: {ex.Message}");
            return 1;
        }
    }

    /// <summary>Reads one <c>--secret</c> as buildx does: <c>src=</c>/<c>source=</c> a file, <c>env=</c> a variable,
    /// or neither: the variable named like the id. Errors never contain the value.</summary>
    internal static bool TryReadSecret(ICliEnvironment env, string spec, out string id, out byte[] value, out string? error)
    {
        id = "";
        value = [];
        error = null;
        string? src = null, fromEnv = null, type = null;
        foreach (var field in spec.Split(','))
        {
            var eq = field.IndexOf('=', StringComparison.Ordinal);
            var (key, val) = eq < 0 ? (field, "") : (field[..eq].Trim().ToLowerInvariant(), field[(eq + 1)..]);
            switch (key)
            {
                case "id": id = val; break;
                case "src" or "source": src = val; break;
                case "env": fromEnv = val; break;
                case "type": type = val; break;
                default:
                    error = $"invalid --secret field \"{key}\" (expected id, src, env or type)";
                    return false;
            }
        }

        if (id.Length == 0)
        {
            error = "--secret needs id=";
            return false;
        }

        if (type == "env" || (src is null && fromEnv is null))
        {
            fromEnv ??= src ?? id;
            src = null;
        }

        if (src is not null)
        {
            try
            {
                value = File.ReadAllBytes(src);
                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = $"failed to read secret {id} from {src}: {ex.Message}";
                return false;
            }
        }

        var variable = env.GetVariable(fromEnv!);
        if (variable is null)
        {
            error = $"secret {id}: environment variable {fromEnv} is not set";
            return false;
        }

        value = System.Text.Encoding.UTF8.GetBytes(variable);
        return true;
    }
}
