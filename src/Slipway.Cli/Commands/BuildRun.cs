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

    public IEnumerable<Option> All => [Tags, NoCache, Progress, Quiet, IidFile, Runtime, Platform];
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
}
