using System.CommandLine;
using Slipway.Build.Engine;
using Slipway.Cli.Output;
using Slipway.Images;
using Slipway.Oci;
using Slipway.Runtime;
using Slipway.Store.Images;
using Spectre.Console;

namespace Slipway.Cli.Commands;

internal static partial class BuildRun
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
        ctx.InsecureRegistries = parse.GetValue(o.InsecureRegistries) ?? [];
        var outputs = (parse.GetValue(o.Outputs) ?? []).Select(OutputSpec.Parse).ToList();
        if (parse.GetValue(o.Push))
        {
            outputs.Add(new OutputSpec(OutputKind.Registry, null, null, true));
        }

        var cacheTo = new List<Build.Cache.CacheExportSpec>();
        foreach (var spec in parse.GetValue(o.CacheTo) ?? [])
        {
            if (!Build.Cache.CacheExportSpec.TryParse(spec, out var parsed, out var cacheError))
            {
                ctx.Env.Error.WriteLine($"ERROR: --cache-to {spec}: {cacheError}");
                return 1;
            }

            cacheTo.Add(parsed!);
        }

        var cacheFrom = new List<Build.Cache.CacheImportSpec>();
        foreach (var spec in parse.GetValue(o.CacheFrom) ?? [])
        {
            if (!Build.Cache.CacheImportSpec.TryParse(spec, out var parsed, out var cacheError))
            {
                ctx.Env.Error.WriteLine($"ERROR: --cache-from {spec}: {cacheError}");
                return 1;
            }

            cacheFrom.Add(parsed!);
        }

        if (!SbomOptions.TryWanted(parse.GetValue(o.Sbom), parse.GetValue(o.Attest) ?? [], out var wantSbom, out var attestError))
        {
            ctx.Env.Error.WriteLine($"ERROR: {attestError}");
            return 1;
        }

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

        if (!EntitlementCheck.TryParse(parse.GetValue(o.Allow) ?? [], out var allow, out var allowError))
        {
            ctx.Env.Error.WriteLine($"ERROR: {allowError}");
            return 1;
        }

        Dockerfile.Instructions.NetworkMode network;
        switch (parse.GetValue(o.Network))
        {
            case null or "" or "default":
                network = Dockerfile.Instructions.NetworkMode.Default;
                break;
            case "none":
                network = Dockerfile.Instructions.NetworkMode.None;
                break;
            case "host":
                network = Dockerfile.Instructions.NetworkMode.Host;
                break;
            case var other:
                ctx.Env.Error.WriteLine($"ERROR: network mode \"{other}\" not supported by buildkit");
                return 1;
        }

        var scan = parse.GetValue(o.ScanSecretsError) ? "error" : parse.GetValue(o.ScanSecrets) || parse.GetValue(o.ScanSecretsWarn) ? "warn" : "off";

        var quiet = parse.GetValue(o.Quiet) || parse.GetValue(o.Progress) == "quiet";
        var mode = parse.GetValue(o.Progress);
        var tty = !quiet && (mode == "tty" || (mode == "auto" && !ctx.Env.ErrorRedirected)) ? new TtyProgress() : null;
        IBuildProgress progress = mode switch
        {
            _ when tty is not null => tty,
            "rawjson" => new RawJsonProgress(ctx.Env.Error, ctx.Env.Time),
            "plain" or "auto" or "tty" or "quiet" => new PlainProgress(ctx.Env.Error, quiet, ctx.Env.Time),
            var other => throw new ImageException($"invalid progress mode \"{other}\" (auto, plain, tty, quiet, rawjson)"),
        };
        var explain = parse.GetValue(o.ExplainCache) ? new CacheReport(progress) : null;
        progress = explain ?? progress;
        var epoch = ctx.Env.GetVariable("SOURCE_DATE_EPOCH") is { } e && long.TryParse(e, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : (DateTimeOffset?)null;
        var ssh = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var spec in parse.GetValue(o.Ssh) ?? [])
        {
            var eq = spec.IndexOf('=', StringComparison.Ordinal);
            var (sshId, socket) = eq < 0 ? (spec, ctx.Env.GetVariable("SSH_AUTH_SOCK")) : (spec[..eq], spec[(eq + 1)..]);
            if (string.IsNullOrEmpty(socket) || !File.Exists(socket))
            {
                ctx.Env.Error.WriteLine($"ERROR: --ssh {sshId}: no agent socket (set SSH_AUTH_SOCK or pass {sshId}=PATH)");
                return 1;
            }

            ssh[sshId] = Path.GetFullPath(socket);
        }

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
            NoCacheStages = (parse.GetValue(o.NoCacheFilter) ?? []).SelectMany(v => v.Split(',')).ToHashSet(StringComparer.OrdinalIgnoreCase),
            Pull = parse.GetValue(o.Pull),
            Compression = parse.GetValue(o.Compression) switch
            {
                "zstd" => Slipway.Store.Layers.LayerCompression.Zstd,
                "uncompressed" or "none" => Slipway.Store.Layers.LayerCompression.None,
                "gzip" => Slipway.Store.Layers.LayerCompression.Gzip,
                var other => throw new ImageException($"invalid --compression \"{other}\" (gzip, zstd, uncompressed)"),
            },
            Platform = platform,
            RuntimePath = runtime.Path,
            NetworkTools = Slipway.Runtime.Network.NetworkTools.Find(ctx.Env.GetVariable("PATH")),
            SourceDateEpoch = epoch,
            Secrets = secrets,
            ScanSecrets = scan switch
            {
                "warn" => Slipway.Insight.SecretScanMode.Warn,
                "error" => Slipway.Insight.SecretScanMode.Error,
                _ => Slipway.Insight.SecretScanMode.Off,
            },
            SshSockets = ssh,
            CacheTo = cacheTo,
            CacheFrom = cacheFrom,
            Allow = allow,
            Network = network,
        };
        try
        {
            var builder = new Builder(ctx.Store, ctx.Clients, progress);
            BuildResult result;
            if (tty is null)
            {
                result = await builder.BuildAsync(options, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var console = AnsiConsole.Create(new AnsiConsoleSettings
                {
                    Out = new AnsiConsoleOutput(ctx.Env.Error),
                    Ansi = AnsiSupport.Yes,
                    Interactive = InteractionSupport.Yes,
                });
                BuildResult? done = null;
                await console.Live(tty.Render()).StartAsync(async live =>
                {
                    tty.Changed = () => live.UpdateTarget(tty.Render());
                    var build = builder.BuildAsync(options, cancellationToken);
                    while (!build.IsCompleted)
                    {
                        // Redraw on a clock too, so running steps' times move without output.
                        await Task.WhenAny(build, Task.Delay(250, CancellationToken.None)).ConfigureAwait(false);
                        live.UpdateTarget(tty.Render());
                    }

                    done = await build.ConfigureAwait(false);
                }).ConfigureAwait(false);
                result = done!;
            }
            explain?.Write(ctx.Env.Error);
            var id = result.Image.Id.Value;
            if (ctx.Debug)
            {
                ctx.Env.Error.WriteLine($"context files: {result.ContextFiles.FromIndex} from the index, {result.ContextFiles.Hashed} read and hashed");
            }

            if (!quiet)
            {
                ctx.Env.Error.WriteLine($"#0 writing image {id} done");
                foreach (var tag in tags)
                {
                    ctx.Env.Error.WriteLine($"#0 naming to {tag} done");
                }

                foreach (var cache in cacheTo.Where(c => c.Type != Build.Cache.CacheType.Inline))
                {
                    ctx.Env.Error.WriteLine($"#0 exporting cache to {(cache.Type == Build.Cache.CacheType.Local ? cache.Dest : cache.Ref)} done");
                }
            }
            else if (!outputs.Any(o => o.Destination == "-"))
            {
                // Standard output carries the archive when an output goes there; the id stays off it.
                ctx.Env.Out.WriteLine(id);
            }

            if (parse.GetValue(o.IidFile) is { } iid)
            {
                await File.WriteAllTextAsync(iid, id, cancellationToken).ConfigureAwait(false);
            }

            var sbom = wantSbom
                ? await SbomOptions.GenerateAsync(ctx, result.Image, tags, epoch, quiet, cancellationToken).ConfigureAwait(false)
                : null;
            string? pushedDigest = null;
            foreach (var output in outputs)
            {
                pushedDigest = await ExportAsync(ctx, result, tags, output, quiet, sbom, cancellationToken).ConfigureAwait(false) ?? pushedDigest;
            }

            if (sbom is not null && !outputs.Any(x => x.Push || x.Kind == OutputKind.Local))
            {
                await Slipway.Insight.Sbom.SbomGenerator.StoreAsync(ctx.Store, result.Image.ManifestDescriptor.Digest, sbom, cancellationToken).ConfigureAwait(false);
            }

            if (parse.GetValue(o.MetadataFile) is { } metadata)
            {
                await File.WriteAllTextAsync(metadata, Metadata(result, tags, pushedDigest), cancellationToken).ConfigureAwait(false);
            }

            foreach (var report in (parse.GetValue(o.Report) ?? []).SelectMany(r => r.Split(',')))
            {
                if (report != "size")
                {
                    throw new ImageException($"invalid --report \"{report}\" (size)");
                }

                // Standard output may carry an archive (-o -); the report then goes with the progress.
                var to = outputs.Any(x => x.Destination == "-") ? ctx.Env.Error : ctx.Env.Out;
                var size = await Slipway.Insight.ImageSizeAnalyzer.AnalyzeAsync(ctx.Store.Blobs,
                    tags.Count > 0 ? tags[0].FamiliarString : result.Image.Id.ShortHex, result.Image, new() { Top = 10 }, cancellationToken).ConfigureAwait(false);
                to.Write(SizeText.Render(size));
            }

            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var message = ex is System.Net.Http.HttpRequestException http ? $"failed to resolve source metadata: {http.Message}" : ex.Message;
            ctx.Env.Error.WriteLine($"ERROR: {message}");
            if (ctx.Debug && ex is not (DockerfileException or BuildException or ImageException))
            {
                ctx.Env.Error.WriteLine(ex.ToString());
            }

            return 1;
        }
    }
}
