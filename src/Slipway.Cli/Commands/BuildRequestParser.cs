using System.CommandLine;
using System.Globalization;
using Slipway.Build.Cache;
using Slipway.Build.Definition;
using Slipway.Build.Engine;
using Slipway.Build.Export;
using Slipway.Build.Request;
using Slipway.Cli.Output;
using Slipway.Images;
using Slipway.Insight;
using Slipway.Oci;
using Slipway.Runtime;
using Slipway.Runtime.Emulation;
using Slipway.Runtime.Network;
using Slipway.Runtime.Spec;

namespace Slipway.Cli.Commands;

/// <summary>What <c>slipway build</c> was asked to do: build, or answer a question about the Dockerfile.</summary>
internal enum BuildCall
{
    Build,
    Check,
    Outline,
    Targets,
}

/// <summary>The build command's request and how its progress and answers are shown.</summary>
internal sealed record BuildInvocation(BuildRequest Request, BuildCall Call, bool Json, ProgressMode Progress, bool Quiet, bool ExplainCache,
    IReadOnlyList<string> InsecureRegistries)
{
    /// <summary>What a build warns about before it starts: options it accepts and cannot honour yet.</summary>
    public IReadOnlyList<string> Warnings => [.. FlagWarnings, .. Request.Attachments.Provenance is { Enabled: true }
        ? [ProvenanceSpec.NotProducedWarning]
        : Array.Empty<string>()];

    /// <summary>buildx's warnings for deprecated flags that were given (<c>--squash</c>, <c>--isolation</c>, <c>--security-opt</c>).</summary>
    public IReadOnlyList<string> FlagWarnings { get; init; } = [];
}

/// <summary>Turns the parsed command line into a <see cref="BuildRequest"/>, checking every option before any work
/// and collecting every mistake, not only the first. Only this reads the build's options and environment.</summary>
internal sealed class BuildRequestParser(ParseResult parse, BuildCommandOptions o, ICliEnvironment env)
{
    private readonly List<string> _errors = [];

    /// <summary>The invocation, or null with the mistakes (one message each) when any option is wrong.</summary>
    public static BuildInvocation? Parse(ParseResult parse, BuildCommandOptions options, ICliEnvironment env, out IReadOnlyList<string> errors)
    {
        var parser = new BuildRequestParser(parse, options, env);
        var invocation = parser.Parse();
        errors = parser._errors;
        return errors.Count == 0 ? invocation : null;
    }

    /// <summary>KEY=VALUE, or KEY taken from the environment (skipped when unset), as docker build reads them.</summary>
    private static Dictionary<string, string> ParseBuildArgs(ICliEnvironment env, IEnumerable<string>? values)
    {
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in values ?? [])
        {
            var eq = kv.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                args[kv[..eq]] = kv[(eq + 1)..];
            }
            else if (env.GetVariable(kv) is { } fromEnv)
            {
                args[kv] = fromEnv;
            }
        }

        // buildx passes SOURCE_DATE_EPOCH from the environment as a build arg unless one is given; the frontend reads it.
        if (!args.ContainsKey("SOURCE_DATE_EPOCH") && env.GetVariable("SOURCE_DATE_EPOCH") is { } epoch)
        {
            args["SOURCE_DATE_EPOCH"] = epoch;
        }

        return args;
    }

    /// <summary>SOURCE_DATE_EPOCH, when set: the time a reproducible build and its SBOM say they were made.</summary>
    internal static DateTimeOffset? SourceDateEpoch(ICliEnvironment env) =>
        env.GetVariable("SOURCE_DATE_EPOCH") is { } epoch && long.TryParse(epoch, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private BuildInvocation Parse()
    {
        var call = parse.GetValue(o.Check) ? BuildCall.Check : parse.GetValue(o.Call) switch
        {
            "check" => BuildCall.Check,
            "outline" => BuildCall.Outline,
            "targets" => BuildCall.Targets,
            _ => BuildCall.Build,
        };
        var tags = Each(o.Tags, (string v, out ImageReference? r, out string? e) => OptionValues.TryParseName(v, out r, out e));
        var outputs = Outputs(tags);
        var progress = Progress();
        var quiet = parse.GetValue(o.Quiet) || progress == ProgressMode.Quiet;
        var source = Source();
        if (source.Platforms.Count > 1 && outputs.Any(x => x.Kind == OutputKind.Docker))
        {
            // buildx refuses before it builds: a docker archive (and --load) holds one image, not an index.
            _errors.Add("docker exporter does not currently support exporting manifest lists");
        }

        var annotations = Take(ImageAnnotations.TryParse(Values(o.Annotations), out var parsedAnnotations, out var e6), parsedAnnotations, "parse annotations: " + e6)
            ?? ImageAnnotations.None;
        var options = new BuildOptions
        {
            Source = source,
            CanRun = Emulators.CannotRun,
            Tags = tags,
            NamesInStore = outputs.Count == 0 || outputs.Any(x => x.Kind is OutputKind.Image or OutputKind.Registry || x.LoadsIntoEngine),
            NoCache = parse.GetValue(o.NoCache),
            NoCacheStages = Values(o.NoCacheFilter).SelectMany(v => v.Split(',')).ToHashSet(StringComparer.OrdinalIgnoreCase),
            Pull = parse.GetValue(o.Pull),
            Compression = Take(OptionValues.TryParseCompression(parse.GetValue(o.Compression), out var compression, out var e1), compression, e1),
            // Only a build runs anything; the questions (--call) work where no runtime does.
            RuntimePath = call == BuildCall.Build ? RuntimePath() : "",
            NetworkTools = call == BuildCall.Build ? NetworkTools.Find(env.GetVariable("PATH")) : null,
            SourceDateEpoch = SourceDateEpoch(env),
            Secrets = Secrets(),
            ScanSecrets = parse.GetValue(o.ScanSecretsError) ? SecretScanMode.Error
                : parse.GetValue(o.ScanSecrets) || parse.GetValue(o.ScanSecretsWarn) ? SecretScanMode.Warn
                : SecretScanMode.Off,
            SshSockets = SshSockets(),
            CacheTo = Each(o.CacheTo, (string v, out CacheExportSpec? s, out string? e) => CacheExportSpec.TryParse(v, out s, out e), "--cache-to"),
            CacheFrom = Each(o.CacheFrom, (string v, out CacheImportSpec? s, out string? e) => CacheImportSpec.TryParse(v, out s, out e), "--cache-from"),
            Allow = Take(EntitlementCheck.TryParse(Values(o.Allow), out var allow, out var e2), allow, e2),
            Network = Take(OptionValues.TryParseNetwork(parse.GetValue(o.Network), out var network, out var e3), network, e3),
            AddHosts = Take(HostEntry.TryParse(Values(o.AddHosts), out var hosts, out var e7), hosts, e7) ?? [],
            Limits = Take(OptionValues.TryParseLimits(parse.GetValue(o.ShmSize), Values(o.Ulimits), parse.GetValue(o.CgroupParent), out var limits, out var e8),
                limits, e8),
            Labels = OptionValues.ParseLabels(Values(o.Labels)),
            Annotations = annotations,
        };
        var request = new BuildRequest
        {
            Options = options,
            Outputs = outputs,
            Engine = call == BuildCall.Build && outputs.Any(x => x.LoadsIntoEngine) && source.Platforms.Count == 1 ? Engine() : null,
            Attachments = new ExportAttachments
            {
                Sbom = Take(OptionValues.TryParseSbom(parse.GetValue(o.Sbom), Values(o.Attest), out var sbom, out var e4), sbom, e4),
                IidFile = FileDestination("--iidfile", parse.GetValue(o.IidFile)),
                MetadataFile = FileDestination("--metadata-file", parse.GetValue(o.MetadataFile)),
                Provenance = Take(OptionValues.TryParseProvenance(parse.GetValue(o.Provenance), Values(o.Attest), out var provenance, out var e9), provenance, e9),
                Annotations = annotations,
            },
            Reports = Take(OptionValues.TryParseReports(Values(o.Report), out var reports, out var e5), reports, e5),
        };
        return new BuildInvocation(request, call, parse.GetValue(o.Format) == "json", progress, quiet, parse.GetValue(o.ExplainCache),
            Values(o.InsecureRegistries))
        {
            FlagWarnings = [.. o.Deprecated.Where(d => parse.GetResult(d.Option) is { Implicit: false }).Select(d => d.Warning)],
        };
    }

    /// <summary>The context, the Dockerfile (<c>-f -</c> is standard input, as docker build reads it) and what picks
    /// and shapes the stages, as <c>build</c> and <c>check</c> take them from the command line; a context that is not
    /// there is recorded in <paramref name="errors"/>, worded as buildx words it.</summary>
    internal static DefinitionSource Source(ICliEnvironment env, string contextDir, string? file, string? target, IEnumerable<string>? buildArgs,
        List<string> errors)
    {
        if (!Directory.Exists(contextDir))
        {
            errors.Add($"unable to prepare context: path \"{contextDir}\" not found");
        }

        if (contextDir.Length == 0)
        {
            contextDir = ".";
        }

        return new DefinitionSource
        {
            ContextDir = Path.GetFullPath(contextDir),
            DockerfilePath = file == "-" ? null : file ?? Path.Join(contextDir, "Dockerfile"),
            Target = target,
            BuildArgs = ParseBuildArgs(env, buildArgs),
        };
    }

    private DefinitionSource Source()
    {
        var source = Source(env, parse.GetValue(o.Context)!, parse.GetValue(o.File), parse.GetValue(o.Target), parse.GetValue(o.BuildArgs), _errors);
        var platforms = Take(OptionValues.TryParsePlatforms(Values(o.Platform), out var p, out var error), p, error);
        var contexts = Each(o.BuildContexts, (string v, out NamedContext? c, out string? e) => NamedContext.TryParse(v, out c, out e));
        return source with { Platforms = platforms ?? [Platform.Host], NamedContexts = contexts };
    }

    private List<OutputSpec> Outputs(List<ImageReference> tags)
    {
        var outputs = Each(o.Outputs, (string v, out OutputSpec? s, out string? e) => OutputSpec.TryParse(v, out s, out e));
        if (parse.GetValue(o.Push))
        {
            outputs.Add(OutputSpec.PushTags);
        }

        if (parse.GetValue(o.Load) && !outputs.Any(x => x.LoadsIntoEngine))
        {
            outputs.Add(OutputSpec.Load);
        }

        if (outputs.Any(x => x.Push && x.Names.Count == 0) && tags.Count == 0)
        {
            _errors.Add("pushing needs a name: add -t NAME or --output type=registry,name=NAME");
        }

        foreach (var output in outputs.Where(x => x.Kind is OutputKind.Oci or OutputKind.Docker or OutputKind.Tar && !x.ToStandardOutput))
        {
            FileDestination("--output", output.Destination);
        }

        return outputs;
    }

    /// <summary>The engine <c>--load</c> sends the image to (<c>DOCKER_HOST</c>, else docker's or podman's socket).</summary>
    private EngineEndpoint? Engine() =>
        Take(EngineEndpoint.TryResolve(env.GetVariable, System.IO.File.Exists, out var endpoint, out var error), endpoint, error);

    private ProgressMode Progress()
    {
        var mode = parse.GetValue(o.Progress);
        ProgressMode? known = mode switch
        {
            "auto" => ProgressMode.Auto,
            "plain" => ProgressMode.Plain,
            "tty" => ProgressMode.Tty,
            "quiet" => ProgressMode.Quiet,
            "rawjson" => ProgressMode.RawJson,
            _ => null,
        };
        return known ?? Take(false, ProgressMode.Auto, $"invalid progress mode \"{mode}\" (auto, plain, tty, quiet, rawjson)");
    }

    private string RuntimePath()
    {
        var candidates = RuntimeDetector.Detect(env.GetVariable("PATH"), RuntimeDetector.DetectCgroupLayout());
        var runtime = RuntimeDetector.Choose(candidates, parse.GetValue(o.Runtime), out var error);
        return Take(runtime?.Path is not null, runtime?.Path ?? "", error ?? "no usable OCI runtime");
    }

    private Dictionary<string, byte[]> Secrets()
    {
        var secrets = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var spec in Values(o.Secrets))
        {
            if (Take(SessionSources.TryReadSecret(spec, env.GetVariable, out var id, out var value, out var error), true, error))
            {
                secrets[id] = value;
            }
        }

        return secrets;
    }

    private Dictionary<string, string> SshSockets()
    {
        var sockets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var spec in Values(o.Ssh))
        {
            if (Take(SessionSources.TryFindSshSocket(spec, env.GetVariable, out var id, out var socket, out var error), true, error))
            {
                sockets[id] = socket;
            }
        }

        return sockets;
    }

    private string? FileDestination(string option, string? path) =>
        path is null || Take(OptionValues.TryCheckFileDestination(option, path, out var error), true, error) ? path : null;

    private delegate bool TryParse<T>(string value, out T? parsed, out string? error);

    /// <summary>Each value of a repeatable option, parsed; a bad one is recorded (prefixed with the option and the
    /// value when <paramref name="prefix"/> is given, as the cache specs' messages are).</summary>
    private List<T> Each<T>(Option<string[]> option, TryParse<T> tryParse, string? prefix = null)
        where T : class
    {
        var parsed = new List<T>();
        foreach (var value in Values(option))
        {
            if (tryParse(value, out var item, out var error))
            {
                parsed.Add(item!);
            }
            else
            {
                _errors.Add(prefix is null ? error! : $"{prefix} {value}: {error}");
            }
        }

        return parsed;
    }

    private string[] Values(Option<string[]> option) => parse.GetValue(option) ?? [];

    /// <summary>The value when <paramref name="ok"/>; otherwise records <paramref name="error"/> and returns the
    /// value anyway (a default), so the rest of the options are still checked.</summary>
    private T Take<T>(bool ok, T value, string? error)
    {
        if (!ok)
        {
            _errors.Add(error!);
        }

        return value;
    }
}
