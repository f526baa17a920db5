using System.CommandLine;
using Slipway.Build.Engine;
using Slipway.Build.Images;
using Slipway.Cli.Output;
using Slipway.Oci;
using Slipway.Runtime;
using Spectre.Console;

namespace Slipway.Cli.Commands;

/// <summary>The options of a real build and what runs it; <see cref="BuildCommand"/> owns the command.</summary>
internal sealed class BuildRunOptions
{
    public Option<string[]> Tags { get; } = new("--tag", "-t") { Description = "Name and optionally a tag (format: name:tag)", HelpName = "NAME[:TAG]" };

    public Option<bool> NoCache { get; } = new("--no-cache") { Description = "Do not use cache when building the image" };

    public Option<string> Progress { get; } = new("--progress") { Description = "Set type of progress output (auto, plain, tty, quiet, rawjson); auto is tty on a terminal, plain otherwise", DefaultValueFactory = _ => "auto" };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Suppress the build output and print image ID on success" };

    public Option<string?> IidFile { get; } = new("--iidfile") { Description = "Write the image ID to a file", HelpName = "FILE" };

    public Option<string?> Runtime { get; } = new("--runtime") { Description = "OCI runtime for RUN: runc, crun or a path (default: the first that works here)" };

    public Option<string?> Platform { get; } = new("--platform") { Description = "Set target platform for build" };

    public Option<string[]> Secrets { get; } = new("--secret")
    {
        Description = "Secret to expose to the build (format: id=mysecret[,src=/local/secret] or id=mysecret,env=VAR)",
        HelpName = "id=ID,src=FILE|env=VAR",
    };

    public Option<string[]> Outputs { get; } = new("--output", "-o")
    {
        Description = "Output destination (format: type=local,dest=path; types: image, oci, docker, tar, local, registry)",
        HelpName = "type=TYPE,dest=PATH",
    };

    public Option<bool> Push { get; } = new("--push") { Description = "Shorthand for --output=type=registry" };

    public Option<string?> MetadataFile { get; } = new("--metadata-file") { Description = "Write build result metadata to a file", HelpName = "FILE" };

    public Option<string[]> InsecureRegistries { get; } = new("--insecure-registry") { Description = "Allow plain HTTP to this registry (loopback always may)" };

    public Option<string[]> Ssh { get; } = new("--ssh")
    {
        Description = "SSH agent socket to expose to the build (format: default|ID[=SOCKET]; default socket: $SSH_AUTH_SOCK)",
        HelpName = "default|ID[=SOCKET]",
    };

    public Option<string[]> NoCacheFilter { get; } = new("--no-cache-filter") { Description = "Do not cache the given stages", HelpName = "STAGE" };

    public Option<string[]> Allow { get; } = new("--allow")
    {
        Description = "Allow extra privileged entitlement (e.g., network.host, security.insecure)",
        HelpName = "ENTITLEMENT",
    };

    public Option<string> Network { get; } = new("--network")
    {
        Description = "Set the networking mode for the RUN instructions during build: default (a network namespace of its own, outbound only), none or host (grants network.host)",
        DefaultValueFactory = _ => "default",
        HelpName = "default|none|host",
    };

    public Option<bool> Pull { get; } = new("--pull") { Description = "Always attempt to pull all referenced images" };

    public Option<string> Compression { get; } = new("--compression")
    {
        Description = "Layer compression: gzip (default), zstd or uncompressed",
        DefaultValueFactory = _ => "gzip",
    };

    public Option<string[]> Report { get; } = new("--report") { Description = "After the build, print a report on the image: size (where its bytes are, as 'slipway size' shows)", HelpName = "size" };

    public Option<bool> Sbom { get; } = new("--sbom") { Description = "Attach an SPDX SBOM of the image: pushed as an attestation, kept in the store, or written as sbom.spdx.json for a local output" };

    public Option<string[]> Attest { get; } = new("--attest") { Description = "Attestation to attach (format: type=sbom; shorthand for --sbom)", HelpName = "type=sbom" };

    public Option<string[]> CacheTo { get; } = new("--cache-to")
    {
        Description = "Cache export destinations (format: type=registry,ref=REF[,mode=min|max], type=local,dest=DIR[,mode=min|max] or type=inline; cache-mounts=true|false)",
        HelpName = "type=TYPE[,KEY=VALUE]",
    };

    public Option<string[]> CacheFrom { get; } = new("--cache-from")
    {
        Description = "External cache sources (format: type=registry,ref=REF, type=local,src=DIR, or an image reference)",
        HelpName = "type=TYPE[,KEY=VALUE]",
    };

    public Option<bool> ExplainCache { get; } = new("--explain-cache") { Description = "After the build, list every step as cached or missed, with what changed since its last build" };

    // pflag's optional value: a bare --scan-secrets never takes the next word (the context), so the valued forms
    // are options of their own, matched whole before the parser splits "--name=value".
    public Option<bool> ScanSecrets { get; } = new("--scan-secrets")
    {
        Description = "Also look for secret-looking values (private keys, access tokens) in the new layers and warn; =error fails the build instead. --secret values are always looked for",
        HelpName = "=warn|=error",
        Arity = ArgumentArity.Zero,
    };

    public Option<bool> ScanSecretsWarn { get; } = new("--scan-secrets=warn") { Hidden = true, Arity = ArgumentArity.Zero };

    public Option<bool> ScanSecretsError { get; } = new("--scan-secrets=error") { Hidden = true, Arity = ArgumentArity.Zero };

    public IEnumerable<Option> All => [Tags, NoCache, NoCacheFilter, Pull, Allow, Network, ExplainCache, Compression, CacheFrom, CacheTo, Progress, Quiet, IidFile, Runtime, Platform, Secrets, Ssh, Outputs, Push, MetadataFile, InsecureRegistries, ScanSecrets, ScanSecretsWarn, ScanSecretsError, Sbom, Attest, Report];
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
            "rawjson" => new RawJsonProgress(ctx.Env.Error),
            "plain" or "auto" or "tty" or "quiet" => new PlainProgress(ctx.Env.Error, quiet),
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
                "warn" => Slipway.Build.Insight.SecretScanMode.Warn,
                "error" => Slipway.Build.Insight.SecretScanMode.Error,
                _ => Slipway.Build.Insight.SecretScanMode.Off,
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
                await Build.Insight.Sbom.SbomGenerator.StoreAsync(ctx.Store, result.Image.ManifestDescriptor.Digest, sbom, cancellationToken).ConfigureAwait(false);
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
                var size = await Slipway.Build.Insight.ImageSizeAnalyzer.AnalyzeAsync(ctx.Store.Blobs,
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

    /// <summary>Sends the result where one <c>--output</c> says; returns the pushed manifest digest for a push.</summary>
    private static async Task<string?> ExportAsync(CommandContext ctx, BuildResult result, IReadOnlyList<ImageReference> tags, OutputSpec output,
        bool quiet, Build.Insight.Sbom.SpdxDocument? sbom, CancellationToken cancellationToken)
    {
        var image = result.Image;
        var names = output.Name is null ? tags : [.. output.Name.Split(',').Select(ImageStore.ParseTarget)];
        switch (output.Kind)
        {
            case OutputKind.Image when !output.Push:
                foreach (var name in names.Except(tags))
                {
                    await ctx.Images.SetAsync(name, image.ManifestDescriptor, cancellationToken).ConfigureAwait(false);
                }

                return null;
            case OutputKind.Image or OutputKind.Registry:
                if (names.Count == 0)
                {
                    throw new ImageException("pushing needs a name: add -t NAME or --output type=registry,name=NAME");
                }

                string? digest = null;
                foreach (var name in names)
                {
                    var pusher = new ImagePusher(ctx.Images, ctx.Clients);
                    digest = (sbom is null
                        ? await pusher.PushAsync(image, name, null, cancellationToken).ConfigureAwait(false)
                        : await pusher.PushWithAttestationAsync(image, name, SbomOptions.Attestation(sbom, image, name), null, cancellationToken).ConfigureAwait(false)).Value;
                    if (!quiet)
                    {
                        ctx.Env.Error.WriteLine($"#0 pushing {name} with digest {digest} done");
                    }
                }

                return digest;
            case OutputKind.Local:
                foreach (var warning in await FilesystemExporter.ExportDirectoryAsync(ctx.Store, image, output.Destination!, cancellationToken).ConfigureAwait(false))
                {
                    ctx.Env.Error.WriteLine($"WARNING: {warning}");
                }

                if (sbom is not null)
                {
                    // Where BuildKit's local exporter puts an SBOM attestation.
                    await File.WriteAllBytesAsync(Path.Join(output.Destination!, "sbom.spdx.json"), Build.Insight.Sbom.Spdx.Serialize(sbom), cancellationToken)
                        .ConfigureAwait(false);
                }

                return null;
            default:
                await using (var stream = output.Destination == "-" ? ctx.Env.OpenStandardOutput() : File.Create(output.Destination!))
                {
                    if (output.Kind == OutputKind.Tar)
                    {
                        await FilesystemExporter.ExportTarAsync(ctx.Store, image, stream, Path.Join(ctx.Store.Layout.Root, "tmp"), cancellationToken)
                            .ConfigureAwait(false);
                    }
                    else
                    {
                        await LayoutWriter.WriteTarAsync(ctx.Store, [(image, names)], stream, output.Kind == OutputKind.Docker, cancellationToken)
                            .ConfigureAwait(false);
                    }
                }

                return null;
        }
    }

    /// <summary>The <c>--metadata-file</c> JSON, with the keys buildx writes.</summary>
    private static string Metadata(BuildResult result, List<ImageReference> tags, string? pushedDigest)
    {
        using var buffer = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("containerimage.config.digest", result.Image.Id.Value);
            w.WriteString("containerimage.digest", pushedDigest ?? result.Image.ManifestDescriptor.Digest.Value);
            w.WriteStartObject("containerimage.descriptor");
            w.WriteString("mediaType", result.Image.ManifestDescriptor.MediaType);
            w.WriteString("digest", result.Image.ManifestDescriptor.Digest.Value);
            w.WriteNumber("size", result.Image.ManifestDescriptor.Size);
            w.WriteEndObject();
            if (tags.Count > 0)
            {
                w.WriteString("image.name", string.Join(',', tags.Select(t => t.ToString())));
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
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
