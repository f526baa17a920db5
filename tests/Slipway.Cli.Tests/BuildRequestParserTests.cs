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
    [InlineData("ERROR: \"linux//x\": invalid platform: unknown operating system or architecture", "--platform", "linux//x")]
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
    [InlineData("ERROR: unsupported --attest \"type=provenance\": only type=sbom is supported", "--attest", "type=provenance")]
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
