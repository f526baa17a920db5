using Slipway.Cli.Commands;

namespace Slipway.Cli.Tests;

/// <summary>Every option mistake is reported from the command line alone: before the Dockerfile is read, the store
/// opened, anything pulled, run or written.</summary>
public sealed class BuildRequestParserTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("slipway-request-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Root => Path.Join(_dir, "root");

    // No Dockerfile in the context: reading it would be an error of its own, and must not come first.
    private string Context => Directory.CreateDirectory(Path.Join(_dir, "context")).FullName;

    private async Task<string> FailAsync(params string[] args)
    {
        var env = new FakeEnvironment();
        var exit = await SlipwayApp.RunAsync(["--root", Root, "build", .. args, Context], env);
        var error = env.Error.ToString();
        Assert.Equal(1, exit);
        Assert.DoesNotContain("failed to read dockerfile", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Root), "the store was opened");
        Assert.Equal("", env.Out.ToString());
        return error;
    }

    [Theory]
    [InlineData("ERROR: invalid --report \"sizee\" (size)", "--report", "sizee")]
    [InlineData("ERROR: invalid --report \"sizee\" (size)", "--report", "size,sizee")]
    [InlineData("ERROR: unknown runtime \"nope\" (known: runc, crun, or a path to one)", "--runtime", "nope")]
    [InlineData("ERROR: \"linux//x\": unknown operating system or architecture: invalid argument", "--platform", "linux//x")]
    [InlineData("ERROR: docker exporter does not currently support exporting manifest lists", "--platform", "linux/amd64,linux/arm64", "-o", "type=docker,dest=x.tar")]
    [InlineData("ERROR: docker exporter does not currently support exporting manifest lists", "--platform", "linux/amd64", "--platform", "arm64", "-o", "type=docker,dest=x.tar")]
    [InlineData("ERROR: invalid reference \"Bad Name\": ", "-t", "Bad Name")]
    [InlineData("ERROR: unsupported --output type \"s3\" (image, oci, docker, tar, local, registry)", "-o", "type=s3")]
    [InlineData("ERROR: --output type=local needs dest=", "-o", "type=local")]
    [InlineData("ERROR: --output needs type=", "-o", "dest=out")]
    [InlineData("ERROR: unsupported --output attribute \"compression\"", "-o", "type=oci,dest=x.tar,compression=zstd")]
    [InlineData("ERROR: invalid reference \"a b\": ", "-o", "type=registry,name=a b")]
    [InlineData("ERROR: --output /nonexistent/dir/out.tar: directory /nonexistent/dir does not exist", "-o", "type=oci,dest=/nonexistent/dir/out.tar")]
    [InlineData("ERROR: pushing needs a name: add -t NAME or --output type=registry,name=NAME", "--push")]
    [InlineData("ERROR: pushing needs a name: add -t NAME or --output type=registry,name=NAME", "-o", "type=image,push=true")]
    [InlineData("ERROR: --cache-to type=s3,ref=x: unknown cache exporter: \"s3\"", "--cache-to", "type=s3,ref=x")]
    [InlineData("ERROR: --cache-from type=local: src not set", "--cache-from", "type=local")]
    [InlineData("ERROR: unsupported --attest \"type=vex\": only type=sbom and type=provenance are supported", "--attest", "type=vex")]
    [InlineData("ERROR: --attest type=provenance,mode=full: invalid provenance mode \"full\" (min, max)", "--attest", "type=provenance,mode=full")]
    [InlineData("ERROR: --provenance mode: invalid value mode", "--provenance", "mode")]
    [InlineData("ERROR: --provenance disabled=maybe: invalid value disabled=maybe: strconv.ParseBool: parsing \"maybe\": invalid syntax", "--provenance", "disabled=maybe")]
    [InlineData("ERROR: invalid host myhost", "--add-host", "myhost")]
    [InlineData("ERROR: invalid host myhost=300.1.1.1", "--add-host", "myhost=300.1.1.1")]
    [InlineData("ERROR: invalid host =1.2.3.4", "--add-host", "=1.2.3.4")]
    [InlineData("ERROR: unable to derive the IP value for host-gateway", "--add-host", "host.docker.internal=host-gateway")]
    [InlineData("ERROR: invalid argument \"lots\" for \"--shm-size\" flag: invalid size \"lots\"", "--shm-size", "lots")]
    [InlineData("ERROR: invalid argument \"nofile\" for \"--ulimit\" flag: invalid ulimit argument: nofile", "--ulimit", "nofile")]
    [InlineData("ERROR: invalid argument \"files=10\" for \"--ulimit\" flag: invalid ulimit type: files", "--ulimit", "files=10")]
    [InlineData("ERROR: invalid argument \"nofile=20:10\" for \"--ulimit\" flag: ulimit soft limit must be less than or equal to hard limit: 20 > 10", "--ulimit", "nofile=20:10")]
    [InlineData("ERROR: invalid argument \"nofile=1:2:3\" for \"--ulimit\" flag: too many limit value arguments - 1:2:3, can only have up to two, `soft[:hard]`", "--ulimit", "nofile=1:2:3")]
    [InlineData("ERROR: parse annotations: invalid annotation \"novalue\", expected key=value", "--annotation", "novalue")]
    [InlineData("ERROR: parse annotations: unknown annotation type \"layer\"", "--annotation", "layer:k=v")]
    [InlineData("ERROR: parse annotations: invalid annotation type \"manifest[linux/*]\", expected type and optional platform in square brackets", "--annotation", "manifest[linux/*]:k=v")]
    [InlineData("ERROR: --secret needs id=", "--secret", "src=/etc/hostname")]
    [InlineData("ERROR: invalid --secret field \"path\" (expected id, src, env or type)", "--secret", "id=a,path=/x")]
    [InlineData("ERROR: failed to read secret a: open /nonexistent/secret: no such file or directory\n", "--secret", "id=a,src=/nonexistent/secret")]
    [InlineData("ERROR: secret token: environment variable TOKEN_FOR_BUILD is not set", "--secret", "id=token,env=TOKEN_FOR_BUILD")]
    [InlineData("ERROR: --ssh default: no agent socket (set SSH_AUTH_SOCK or pass default=PATH)", "--ssh", "default")]
    [InlineData("ERROR: invalid entitlement: device", "--allow", "network.host,device")]
    [InlineData("ERROR: network mode \"bridge\" not supported by buildkit", "--network", "bridge")]
    [InlineData("ERROR: invalid progress mode \"fancy\" (auto, plain, tty, quiet, rawjson)", "--progress", "fancy")]
    [InlineData("ERROR: invalid --compression \"lz4\" (gzip, zstd, uncompressed)", "--compression", "lz4")]
    [InlineData("ERROR: --iidfile /nonexistent/dir/iid: directory /nonexistent/dir does not exist", "--iidfile", "/nonexistent/dir/iid")]
    [InlineData("ERROR: --metadata-file /nonexistent/dir/m.json: directory /nonexistent/dir does not exist", "--metadata-file", "/nonexistent/dir/m.json")]
    public async Task An_option_mistake_is_reported_before_any_work(string message, params string[] args)
    {
        var error = await FailAsync(args);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_into_an_engine_whose_socket_is_not_there_is_reported_before_any_work()
    {
        var env = new FakeEnvironment();
        env.Variables["DOCKER_HOST"] = "unix:///nonexistent/docker.sock";
        var exit = await SlipwayApp.RunAsync(["--root", Root, "build", "--load", Context], env);

        Assert.Equal(1, exit);
        Assert.Contains("ERROR: failed to connect to the docker API at unix:///nonexistent/docker.sock; check if the path is correct and if the "
            + "daemon is running: dial unix /nonexistent/docker.sock: connect: no such file or directory (DOCKER_HOST)\n", env.Error.ToString(),
            StringComparison.Ordinal);
        Assert.False(Directory.Exists(Root), "the store was opened");
    }

    [Fact]
    public async Task Every_mistake_is_reported_not_only_the_first()
    {
        var error = await FailAsync("--report", "sizee", "--network", "bridge", "--cache-to", "type=registry", "--iidfile", "/nonexistent/dir/iid");
        Assert.Contains("ERROR: invalid --report \"sizee\" (size)\n", error, StringComparison.Ordinal);
        Assert.Contains("ERROR: network mode \"bridge\" not supported by buildkit\n", error, StringComparison.Ordinal);
        Assert.Contains("ERROR: --cache-to type=registry: ref not set\n", error, StringComparison.Ordinal);
        Assert.Contains("ERROR: --iidfile /nonexistent/dir/iid: directory /nonexistent/dir does not exist\n", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_about_the_Dockerfile_checks_the_options_too()
    {
        File.WriteAllText(Path.Join(Context, "Dockerfile"), "FROM scratch\n");
        var error = await FailAsync("--call", "outline", "--report", "sizee");
        Assert.Contains("ERROR: invalid --report \"sizee\" (size)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_value_never_appears_in_an_error()
    {
        var env = new FakeEnvironment();
        env.Variables["TOKEN"] = "s3cr3t-value";
        var exit = await SlipwayApp.RunAsync(["--root", Root, "build", "--secret", "id=token,env=TOKEN", "--report", "sizee", Context], env);
        Assert.Equal(1, exit);
        Assert.DoesNotContain("s3cr3t", env.Error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The invocation the build command would make of <paramref name="args"/> (a question, so no runtime is
    /// looked for; every option is read the same way).</summary>
    private BuildInvocation Parse(params string[] args)
    {
        var options = new BuildCommandOptions();
        var command = new System.CommandLine.Command("build") { options.Context };
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }

        var parse = command.Parse([.. args, "--call", "outline", Context]);
        Assert.Empty(parse.Errors);
        var invocation = BuildRequestParser.Parse(parse, options, new FakeEnvironment(), out var errors);
        Assert.Empty(errors);
        return invocation!;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false, "-o", "type=local,dest=out")]
    [InlineData(false, "-o", "out")]
    [InlineData(false, "-o", "type=tar,dest=out.tar")]
    [InlineData(false, "-o", "type=oci,dest=out.tar")]
    [InlineData(false, "-o", "type=docker,dest=out.tar")]
    [InlineData(false, "-o", "type=local,dest=out", "-o", "type=tar,dest=out.tar")]
    [InlineData(true, "-o", "type=local,dest=out", "-o", "type=image")]
    [InlineData(true, "--push")]
    [InlineData(true, "-o", "type=registry")]
    [InlineData(true, "--load")]
    public void Tags_name_the_image_in_the_store_only_when_an_output_is_an_image_as_buildx_names_only_its_image_outputs(bool named, params string[] args)
    {
        var options = Parse(["-t", "x", .. args.Select(a => a.Replace("out", Path.Join(_dir, "out"), StringComparison.Ordinal))]).Request.Options;
        Assert.Equal(["docker.io/library/x:latest"], options.Tags.Select(t => t.ToString()));
        Assert.Equal(named, options.NamesInStore);
    }

    [Fact]
    public void Buildxs_hidden_flags_of_the_classic_builder_are_taken_and_the_deprecated_ones_warn_as_buildx_does()
    {
        Assert.Empty(Parse("--rm", "--force-rm", "--compress").Warnings);
        Assert.Equal(
            [
                "isolation flag is deprecated with BuildKit.",
                "security-opt flag is deprecated. \"RUN --security=insecure\" should be used with BuildKit.",
                "experimental flag squash is removed with BuildKit. You should squash inside build using a multi-stage Dockerfile for efficiency.",
            ],
            Parse("--squash", "--isolation", "default", "--security-opt", "seccomp=unconfined", "--rm=false").Warnings);
    }

    [Fact]
    public void Label_sets_image_config_labels_and_a_later_one_wins()
    {
        var labels = Parse("--label", "a=1", "--label", "b=x=y", "--label", "a=2", "--label", "empty").Request.Options.Labels;
        Assert.Equal(new Dictionary<string, string> { ["a"] = "2", ["b"] = "x=y", ["empty"] = "" }, labels);
    }

    [Theory]
    [InlineData("default", Slipway.Dockerfile.Instructions.NetworkMode.Default)]
    [InlineData("none", Slipway.Dockerfile.Instructions.NetworkMode.None)]
    [InlineData("host", Slipway.Dockerfile.Instructions.NetworkMode.Host)]
    public void Network_sets_every_RUNs_network_and_host_grants_the_entitlement(string value, Slipway.Dockerfile.Instructions.NetworkMode mode)
    {
        var options = Parse($"--network={value}").Request.Options;
        Assert.Equal(mode, options.Network);
        Assert.Equal(mode == Slipway.Dockerfile.Instructions.NetworkMode.Host, options.Granted.HasFlag(Slipway.Build.Engine.Entitlements.NetworkHost));
    }

    [Fact]
    public void Add_host_takes_both_separators_brackets_and_comma_separated_entries()
    {
        var hosts = Parse("--add-host", "a:10.0.0.1", "--add-host", "b=2001:db8::1", "--add-host", "c=[2001:db8::2],d=192.168.0.4").Request.Options.AddHosts;
        Assert.Equal(["a 10.0.0.1", "b 2001:db8::1", "c 2001:db8::2", "d 192.168.0.4"], hosts.Select(h => $"{h.Host} {h.Address}"));
    }

    [Theory]
    [InlineData("128m", 128L * 1024 * 1024)]
    [InlineData("1g", 1024L * 1024 * 1024)]
    [InlineData("65536", 65536L)]
    public void Shm_size_is_read_as_docker_reads_sizes(string value, long bytes) =>
        Assert.Equal(bytes, Parse("--shm-size", value).Request.Options.Limits.ShmSize);

    [Fact]
    public void Ulimit_takes_soft_and_hard_the_soft_alone_and_the_last_value_per_resource()
    {
        var ulimits = Parse("--ulimit", "nofile=1024:2048", "--ulimit", "nproc=50", "--ulimit", "core=-1", "--ulimit", "nofile=512:4096")
            .Request.Options.Limits.Ulimits;
        Assert.Equal(["nofile=512:4096", "nproc=50", "core=-1"], ulimits.Select(u => u.ToString()));
    }

    [Fact]
    public void Cgroup_parent_is_kept_for_every_RUN()
    {
        Assert.Equal("builds", Parse("--cgroup-parent", "builds").Request.Options.Limits.CgroupParent);
        Assert.Null(Parse().Request.Options.Limits.CgroupParent);
    }

    [Theory]
    [InlineData("true", true, "min")]
    [InlineData("1", true, "min")]
    [InlineData("false", false, "min")]
    [InlineData("mode=max", true, "max")]
    [InlineData("mode=min,disabled=true", false, "min")]
    public void Provenance_is_parsed_in_buildxs_forms_and_kept_in_the_request(string value, bool enabled, string mode)
    {
        var invocation = Parse("--provenance", value);
        var provenance = invocation.Request.Attachments.Provenance!;
        Assert.Equal((enabled, mode), (provenance.Enabled, provenance.Mode));
        Assert.Equal(enabled ? [Slipway.Build.Export.ProvenanceSpec.NotProducedWarning] : [], invocation.Warnings);
    }

    [Fact]
    public void Provenance_keeps_other_attributes_and_the_shorthand_wins_over_attest()
    {
        var provenance = Parse("--attest", "type=provenance,mode=max", "--provenance", "mode=min,builder-id=https://ci.example/1")
            .Request.Attachments.Provenance!;
        Assert.Equal("min", provenance.Mode);
        Assert.Equal("https://ci.example/1", provenance.Attributes["builder-id"]);
        Assert.Null(Parse().Request.Attachments.Provenance);
        Assert.Empty(Parse().Warnings);
    }

    [Fact]
    public void Annotation_levels_and_platforms_are_parsed_as_buildx_parses_them()
    {
        var annotations = Parse("--annotation", "a=1", "--annotation", "index,manifest-descriptor:b=2", "--annotation", "manifest[linux/arm64]:c=3",
            "--annotation", "index-descriptor:d=4").Request.Attachments.Annotations;
        var amd64 = Slipway.Oci.Platform.Linux("amd64");
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1" }, annotations.For(Slipway.Oci.AnnotationLevel.Manifest, amd64));
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["c"] = "3" },
            annotations.For(Slipway.Oci.AnnotationLevel.Manifest, Slipway.Oci.Platform.Linux("arm64")));
        Assert.Equal(new Dictionary<string, string> { ["b"] = "2" }, annotations.For(Slipway.Oci.AnnotationLevel.Index, null));
        Assert.Equal(new Dictionary<string, string> { ["b"] = "2" }, annotations.For(Slipway.Oci.AnnotationLevel.ManifestDescriptor, amd64));
        Assert.Equal(new Dictionary<string, string> { ["d"] = "4" }, annotations.For(Slipway.Oci.AnnotationLevel.IndexDescriptor, null));
    }

    [Fact]
    public void SOURCE_DATE_EPOCH_from_the_environment_is_a_build_arg_unless_one_is_given_as_buildx_passes_it()
    {
        var env = new FakeEnvironment();
        env.Variables["SOURCE_DATE_EPOCH"] = "1700000000";
        List<string> errors = [];

        var fromEnv = Commands.BuildRequestParser.Source(env, Context, null, null, [], errors);
        var given = Commands.BuildRequestParser.Source(env, Context, null, null, ["SOURCE_DATE_EPOCH=5"], errors);

        Assert.Empty(errors);
        Assert.Equal("1700000000", fromEnv.BuildArgs["SOURCE_DATE_EPOCH"]);
        Assert.Equal("5", given.BuildArgs["SOURCE_DATE_EPOCH"]);
    }
}
