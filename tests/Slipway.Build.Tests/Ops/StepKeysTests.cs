using Slipway.Build.Cache;
using Slipway.Build.Definition;
using Slipway.Build.Engine;
using Slipway.Images;
using Slipway.Store.Images;
using Slipway.Build.Ops;
using Slipway.Dockerfile.Instructions;
using Slipway.Dockerfile.Syntax;
using Slipway.Oci;
using Slipway.Solver;
using Slipway.Store;
using Slipway.Store.Snapshots;
using Slipway.Testing;

namespace Slipway.Build.Tests.Ops;

/// <summary>The cache maps of every kind of op over fixed inputs, against digests taken from the engine before it
/// was split into ops: a store's existing cache must keep hitting, so these bytes never change without a new
/// recipe version (docs/decisions/0003). No step runs and no stage is mounted; only the steps that read context
/// files need root (the files' owner is part of their fingerprint).</summary>
public sealed class StepKeysTests : IDisposable
{
    private const string Dockerfile = """
        ARG GLOBAL=g
        FROM scratch AS builder
        ARG ONE=1
        ENV E1=$ONE E2=two
        LABEL l=${GLOBAL} m=$E1
        WORKDIR /work/$ONE
        COPY --chmod=755 a.txt dir/ /dest/
        COPY --exclude=*.log --parents dir/ /p/
        ADD a.txt /added
        COPY <<EOF /heredoc
        hello $E1
        EOF
        RUN --mount=type=bind,source=dir,target=/mnt --network=none echo $ONE
        RUN --mount=type=cache,target=/cache echo hi
        EXPOSE 80 8000-8001/udp
        USER nobody
        VOLUME /v
        STOPSIGNAL SIGTERM
        CMD ["run"]
        ENTRYPOINT /bin/sh
        SHELL ["/bin/bash", "-c"]
        HEALTHCHECK CMD true
        ONBUILD RUN x
        MAINTAINER me
        FROM builder AS second
        COPY --from=builder /dest/a.txt /x
        RUN --mount=from=builder,target=/b true
        FROM base:1 AS third
        COPY --from=img:2 /etc /etc
        COPY --from=second /x /y

        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-keys-");

    public void Dispose() => _dir.Delete(true);

    private sealed class NoProgress : IBuildProgress
    {
        public void OnEvent(SolveEvent solveEvent)
        {
        }

        public void OnOutput(StepVertex vertex, string line)
        {
        }

        public void OnWarning(string message)
        {
        }
    }

    private static Task<StoredImage> Resolve(ImageReference reference, CancellationToken cancellationToken)
    {
        var manifest = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute(System.Text.Encoding.UTF8.GetBytes(reference.ToString())), Size = 1 };
        var config = new ImageConfig { Architecture = "amd64", Os = "linux", RootFs = new RootFs { DiffIds = [] } };
        return Task.FromResult(new StoredImage(manifest, new ImageManifest { SchemaVersion = 2, Config = manifest, Layers = [] }, config));
    }

    private static readonly StepState Input = new()
    {
        Layers = [new LayerRef(new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Compute("l0"u8), Size = 2 }, Digest.Compute("d0"u8))],
        Config = new ImageConfig
        {
            Architecture = "amd64",
            Os = "linux",
            RootFs = new RootFs { DiffIds = [Digest.Compute("d0"u8)] },
            Config = new ContainerConfig { Env = [StepState.DefaultPath, "E0=zero"], WorkingDir = "/w" },
        },
        Args = new Dictionary<string, string?> { ["ONE"] = "1", ["GLOBAL"] = "g" },
    };

    /// <summary>Each step's name, operation digest, content digest and how its inputs are keyed.</summary>
    private async Task<List<string>> CacheMapsAsync()
    {
        var context = Directory.CreateDirectory(Path.Join(_dir.FullName, "context")).FullName;
        File.SetUnixFileMode(Directory.CreateDirectory(Path.Join(context, "dir")).FullName, (UnixFileMode)0x1ED);
        foreach (var (name, text) in new[] { ("a.txt", "a\n"), ("dir/b.txt", "b\n"), ("dir/c.log", "c\n") })
        {
            var file = Path.Join(context, name);
            await File.WriteAllTextAsync(file, text, TestContext.Current.CancellationToken);
            File.SetUnixFileMode(file, (UnixFileMode)0x1A4);
        }

        if (Environment.UserName == "root")
        {
            foreach (var entry in new[] { "dir", "a.txt", "dir/b.txt", "dir/c.log" })
            {
                Store.Layers.LayerNative.LChown(Path.Join(context, entry), 0, 0);
            }
        }

        var store = LocalStore.Open(Path.Join(_dir.FullName, "store"), TimeProvider.System);
        new StageFingerprints(store.Layout.StageFingerprints).Save(StageFingerprints.Id(Input.Layers, ["/dest/a.txt"]), new Dictionary<string, string> { ["/dest/a.txt"] = "f 644 0:0 abc" });
        new StageFingerprints(store.Layout.StageFingerprints).Save(StageFingerprints.Id(Input.Layers, ["/x"]), new Dictionary<string, string> { ["/x"] = "f 644 0:0 def" });
        var syntax = DockerfileParser.Parse(Dockerfile, "Dockerfile");
        var graph = StageGraph.Build(InstructionParser.Parse(syntax), new StageGraphOptions
        {
            BuildPlatform = "linux/amd64",
            TargetPlatform = "linux/amd64",
        }, syntax.EscapeToken).Graph!;
        var options = new BuildOptions
        {
            Source = new DefinitionSource { ContextDir = context, Platform = Platform.Linux("amd64") },
            RuntimePath = "/bin/true",
        };
        var services = new StepServices(options, graph, syntax.EscapeToken, new ImageSource((r, _, ct) => Resolve(r, ct), options.Platform), new NoProgress(), store.Time);
        using var ops = new StepOps(store, services, new CopyingSnapshotter(store), new FakeContainerRuntime(), new LocalCacheIndex(store), null, null);
        var lines = new List<string>();
        foreach (var vertex in All(BuildPlanner.Plan(graph, noCache: false)).OrderBy(v => v.Name, StringComparer.Ordinal))
        {
            var map = await ops.For(vertex).CacheMapAsync([.. vertex.Inputs.Select(_ => Input)], TestContext.Current.CancellationToken);
            lines.Add($"{vertex.Name}\t{map.Digest.Hex[..16]}\t{map.Content?.Hex[..16]}\t{string.Join(',', vertex.Inputs.Select((_, i) => map.Keying(i)))}");
        }

        return lines;
    }

    private static HashSet<Vertex> All(Vertex target)
    {
        var seen = new HashSet<Vertex>();
        var stack = new Stack<Vertex>([target]);
        while (stack.TryPop(out var vertex))
        {
            if (seen.Add(vertex))
            {
                foreach (var input in vertex.Inputs)
                {
                    stack.Push(input);
                }
            }
        }

        return seen;
    }

    private static bool ReadsContext(string line) => ContextSteps.Any(s => line.StartsWith(s, StringComparison.Ordinal));

    private static readonly string[] ContextSteps = ["[builder 6/21]", "[builder 7/21]", "[builder 8/21]", "[builder 10/21]"];

    [Fact]
    public async Task Every_step_that_reads_no_context_keeps_the_cache_map_it_had_before_ops()
    {
        var lines = await CacheMapsAsync();
        Assert.Equal(Expected.Where(l => !ReadsContext(l)), lines.Where(l => !ReadsContext(l)));
    }

    [Fact]
    public async Task Every_step_that_reads_the_context_keeps_the_cache_map_it_had_before_ops()
    {
        Testing.Capability.RequireRoot();
        var lines = await CacheMapsAsync();
        Assert.Equal(Expected.Where(ReadsContext), lines.Where(ReadsContext));
    }

    /// <summary>Name, operation digest, content digest (16 hex digits each) and input keying of each step.</summary>
    private static readonly string[] Expected =
    [
        "[builder 1/21] FROM scratch\tb0258e6441109c0c\t2f4fd84b93ff7da6\t",
        "[builder 10/21] RUN --mount=type=bind,source=dir,target=/mnt --network=none echo $ONE\te0f13816759d8d5a\tc0299e98130b863e\tByKey",
        "[builder 11/21] RUN --mount=type=cache,target=/cache echo hi\tab5ec9fddbeff78e\t185b1ffe74f50044\tByKey",
        "[builder 12/21] EXPOSE 80 8000-8001/udp\t519e702ea592591a\tffcf35959c539e5f\tByKey",
        "[builder 13/21] USER nobody\t4aa5134782e952de\tf46664f18c74606b\tByKey",
        "[builder 14/21] VOLUME /v\t7aef4ccdb45898fd\t3e5b6f574fa2379f\tByKey",
        "[builder 15/21] STOPSIGNAL SIGTERM\t1eebb3fb1ab64da7\t5c8a6a06687c1e4a\tByKey",
        "[builder 16/21] CMD [\"run\"]\tb2ee085051403b33\t1c24d7eaec26fa00\tByKey",
        "[builder 17/21] ENTRYPOINT /bin/sh\t0ff0c853fc7fa8d9\tf27a8fa44e24c3aa\tByKey",
        "[builder 18/21] SHELL [\"/bin/bash\", \"-c\"]\t04b11e55e9b16209\t1b4120e9ebd05cd6\tByKey",
        "[builder 19/21] HEALTHCHECK CMD true\t0e27851c7dff03d5\tb74ed180b70d2c2c\tByKey",
        "[builder 2/21] ARG ONE=1\te4ec16e1dbd6736b\t23a30b2fc7c7553e\tByKey",
        "[builder 20/21] ONBUILD RUN x\t13c46d4fa6d1d3cb\t256611f7381c53f8\tByKey",
        "[builder 21/21] MAINTAINER me\tf1f5c627829ce3e1\tb38c91b0e9f7c971\tByKey",
        "[builder 3/21] ENV E1=$ONE E2=two\t34e50005855611b2\tb95aa1b18da09164\tByKey",
        "[builder 4/21] LABEL l=${GLOBAL} m=$E1\taad80319cd81a687\tc93f77a0288346d5\tByKey",
        "[builder 5/21] WORKDIR /work/$ONE\tb6ab909d3918ded4\tf79abe09340c03ee\tByKey",
        "[builder 6/21] COPY --chmod=755 a.txt dir/ /dest/\tdce9088f4d240fa6\t6b2405d714421a23\tByKey",
        "[builder 7/21] COPY --exclude=*.log --parents dir/ /p/\t35317594eefa1075\tcfa493463eb3ecad\tByKey",
        "[builder 8/21] ADD a.txt /added\td26cd966eba8cf87\tf535b9e4766f5032\tByKey",
        "[builder 9/21] COPY <<EOF /heredoc\t984a7c32b8f351f1\t6287937613918e60\tByKey",
        "[second 1/3] FROM builder\ta333c597bb521495\tc9158d03cf0d423a\tByKey",
        "[second 2/3] COPY --from=builder /dest/a.txt /x\t37fb09488182f15b\t695e97d3f1b36e17\tByKey,ByContent",
        "[second 3/3] RUN --mount=from=builder,target=/b true\te5a49988a144fe87\td26e756cd8d2f1e8\tByKey,ByKey",
        "[third 1/3] FROM base:1\t0e9a0304a1bd9aa1\tf4292f6f6c97afea\t",
        "[third 2/3] COPY --from=img:2 /etc /etc\tcf4c9ce87cf368ec\t2fb9c0d8d42929b4\tByKey",
        "[third 3/3] COPY --from=second /x /y\t46d9f7f7617aee90\t95cb3c968f0c55d8\tByKey,ByContent",
    ];
}
