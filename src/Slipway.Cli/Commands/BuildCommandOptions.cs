using System.CommandLine;

namespace Slipway.Cli.Commands;

/// <summary>The argument and options of <c>slipway build</c>; <see cref="BuildRequestParser"/> turns their values
/// into a checked request.</summary>
internal sealed class BuildCommandOptions
{
    public BuildCommandOptions()
    {
        Call.AcceptOnlyFromAmong("outline", "targets", "check");
        Format.AcceptOnlyFromAmong("text", "json");
    }

    public Argument<string> Context { get; } = new("CONTEXT") { Description = "The build context directory" };

    public Option<string?> File { get; } = new("--file", "-f") { Description = "The Dockerfile (default: CONTEXT/Dockerfile)", HelpName = "FILE" };

    public Option<string?> Target { get; } = new("--target") { Description = "The stage to build (default: the last one)", HelpName = "STAGE" };

    public Option<string[]> BuildArgs { get; } = new("--build-arg") { Description = "Set a build ARG (KEY=VALUE, or KEY to take it from the environment)", HelpName = "KEY=VALUE" };

    public Option<string[]> BuildContexts { get; } = new("--build-context")
    {
        Description = "Additional build contexts (e.g., name=path): a directory, docker-image://REF, oci-layout://DIR[:TAG][@DIGEST] or https://URL; replaces FROM name, COPY --from=name and a stage called name",
        HelpName = "NAME=VALUE",
    };

    public Option<string?> Call { get; } = new("--call") { Description = "Answer a question instead of building: outline, targets or check", HelpName = "outline|targets|check" };

    public Option<bool> Check { get; } = new("--check") { Description = "Run the build checks without building (shorthand for --call=check)" };

    public Option<string> Format { get; } = new("--format") { Description = "Output format for --call: text or json", DefaultValueFactory = _ => "text", HelpName = "text|json" };

    public Option<string[]> Tags { get; } = new("--tag", "-t") { Description = "Name and optionally a tag (format: name:tag)", HelpName = "NAME[:TAG]" };

    public Option<bool> NoCache { get; } = new("--no-cache") { Description = "Do not use cache when building the image" };

    public Option<string> Progress { get; } = new("--progress") { Description = "Set type of progress output (auto, plain, tty, quiet, rawjson); auto is tty on a terminal, plain otherwise", DefaultValueFactory = _ => "auto" };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Suppress the build output and print image ID on success" };

    public Option<string?> IidFile { get; } = new("--iidfile") { Description = "Write the image ID to a file", HelpName = "FILE" };

    public Option<string?> Runtime { get; } = new("--runtime") { Description = "OCI runtime for RUN: runc, crun or a path (default: the first that works here)" };

    public Option<string[]> Platform { get; } = new("--platform") { Description = "Set target platform for build", HelpName = "PLATFORM[,PLATFORM]" };

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

    public Option<bool> Load { get; } = new("--load")
    {
        Description = "Shorthand for --output=type=docker: load the image into the docker (or podman) engine at DOCKER_HOST or /var/run/docker.sock",
    };

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

    public Option<string[]> AddHosts { get; } = new("--add-host")
    {
        Description = "Add a custom host-to-IP mapping to RUN's /etc/hosts (format: host:ip or host=ip)",
        HelpName = "HOST:IP",
    };

    public Option<string?> ShmSize { get; } = new("--shm-size") { Description = "Shared memory size for build containers (/dev/shm of RUN; default 64MB)", HelpName = "SIZE" };

    public Option<string[]> Ulimits { get; } = new("--ulimit") { Description = "Ulimit options for RUN (format: type=soft[:hard], e.g. nofile=1024:2048)", HelpName = "TYPE=SOFT[:HARD]" };

    public Option<string?> CgroupParent { get; } = new("--cgroup-parent") { Description = "Set the parent cgroup for the RUN instructions during build", HelpName = "CGROUP" };

    public Option<string[]> Labels { get; } = new("--label") { Description = "Set metadata for an image (format: key=value)", HelpName = "KEY=VALUE" };

    public Option<string[]> Annotations { get; } = new("--annotation")
    {
        Description = "Add annotation to the image (format: [type:]key=value; types: manifest (default), index, manifest-descriptor, index-descriptor, each with an optional [os/arch])",
        HelpName = "[TYPE:]KEY=VALUE",
    };

    public Option<string?> Provenance { get; } = new("--provenance")
    {
        Description = "Shorthand for --attest=type=provenance (true, false, or mode=min|max,...); provenance attestations are not produced yet",
        HelpName = "true|false|mode=min|max",
    };

    public Option<bool> Pull { get; } = new("--pull") { Description = "Always attempt to pull all referenced images" };

    public Option<string> Compression { get; } = new("--compression")
    {
        Description = "Layer compression: gzip (default), zstd or uncompressed",
        DefaultValueFactory = _ => "gzip",
    };

    public Option<string[]> Report { get; } = new("--report") { Description = "After the build, print a report on the image: size (where its bytes are, as 'slipway size' shows)", HelpName = "size" };

    public Option<bool> Sbom { get; } = new("--sbom") { Description = "Attach an SPDX SBOM of the image: pushed as an attestation, kept in the store, or written as sbom.spdx.json for a local output" };

    public Option<string[]> Attest { get; } = new("--attest")
    {
        Description = "Attestation to attach (format: type=sbom, the same as --sbom; type=provenance is accepted and not produced yet)",
        HelpName = "type=sbom|provenance",
    };

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

    // buildx's hidden flags, kept so the scripts written for the classic builder still run: --rm, --force-rm and
    // --compress do nothing, --isolation, --security-opt and --squash warn as buildx warns (its "flag-warn").
    public Option<bool> Rm { get; } = new("--rm") { Hidden = true };

    public Option<bool> ForceRm { get; } = new("--force-rm") { Hidden = true };

    public Option<bool> Compress { get; } = new("--compress") { Hidden = true };

    public Option<string?> Isolation { get; } = new("--isolation") { Hidden = true };

    public Option<string[]> SecurityOpt { get; } = new("--security-opt") { Hidden = true };

    public Option<bool> Squash { get; } = new("--squash") { Hidden = true };

    /// <summary>What buildx says when one of its deprecated hidden flags is given.</summary>
    public IEnumerable<(Option Option, string Warning)> Deprecated =>
    [
        (Isolation, "isolation flag is deprecated with BuildKit."),
        (SecurityOpt, "security-opt flag is deprecated. \"RUN --security=insecure\" should be used with BuildKit."),
        (Squash, "experimental flag squash is removed with BuildKit. You should squash inside build using a multi-stage Dockerfile for efficiency."),
    ];

    public IEnumerable<Option> All => [File, Target, BuildArgs, BuildContexts, Call, Check, Format, Tags, NoCache, NoCacheFilter, Pull, Allow, Network, AddHosts, ShmSize, Ulimits, CgroupParent, ExplainCache, Compression, CacheFrom, CacheTo, Progress, Quiet, IidFile, Runtime, Platform, Secrets, Ssh, Outputs, Push, Load, MetadataFile, InsecureRegistries, ScanSecrets, ScanSecretsWarn, ScanSecretsError, Labels, Annotations, Sbom, Attest, Provenance, Report, Rm, ForceRm, Compress, Isolation, SecurityOpt, Squash];
}
