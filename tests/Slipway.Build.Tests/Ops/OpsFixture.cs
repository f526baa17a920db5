using Slipway.Build.Cache;
using Slipway.Build.Definition;
using Slipway.Build.Engine;
using Slipway.Build.Ops;
using Slipway.Dockerfile.Instructions;
using Slipway.Dockerfile.Syntax;
using Slipway.Oci;
using Slipway.Solver;
using Slipway.Store;
using Slipway.Store.Snapshots;
using Slipway.Testing;

namespace Slipway.Build.Tests.Ops;

/// <summary>The ops of one Dockerfile over a temporary store, a copying snapshotter and a fake container runtime:
/// every op runs for real without root or mounts.</summary>
internal sealed class OpsFixture : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-ops-");
    private readonly StepOps _ops;
    private readonly Dictionary<string, Vertex> _steps;

    public OpsFixture(string dockerfile, IReadOnlyDictionary<string, string>? buildArgs = null, FakeContainerRuntime? runtime = null,
        Func<ImageReference, CancellationToken, Task<Slipway.Store.Images.StoredImage>>? images = null, IBuildProgress? progress = null,
        IReadOnlyDictionary<string, byte[]>? secrets = null, Platform? target = null)
    {
        target ??= Platform.Linux("amd64");
        var syntax = DockerfileParser.Parse(dockerfile, "Dockerfile");
        var graph = StageGraph.Build(InstructionParser.Parse(syntax), new StageGraphOptions
        {
            BuildArgs = buildArgs ?? new Dictionary<string, string>(),
            BuildPlatform = "linux/amd64",
            TargetPlatform = target.ToString(),
        }, syntax.EscapeToken).Graph!;
        var options = new BuildOptions
        {
            Source = new DefinitionSource
            {
                ContextDir = Directory.CreateDirectory(Path.Join(_dir.FullName, "context")).FullName,
                Platform = target,
                BuildArgs = buildArgs ?? new Dictionary<string, string>(),
            },
            RuntimePath = "/bin/true",
            SourceDateEpoch = Created,
            Secrets = secrets ?? new Dictionary<string, byte[]>(),
        };
        var store = Store = LocalStore.Open(Path.Join(_dir.FullName, "store"), TimeProvider.System);
        var services = new StepServices(options, graph, syntax.EscapeToken,
            new ImageSource((r, _, ct) => images is null ? throw new BuildException($"no image {r}") : images(r, ct), options.Platform), progress ?? new NoProgress(), store.Time)
        {
            SourceLines = syntax.SourceLines,
        };
        _ops = new StepOps(store, services, new CopyingSnapshotter(store), runtime ?? new FakeContainerRuntime(), new LocalCacheIndex(store), null, null);
        _steps = [];
        for (Vertex? vertex = BuildPlanner.Plan(graph, noCache: false); vertex is not null; vertex = vertex.Inputs.Count > 0 ? vertex.Inputs[0] : null)
        {
            _steps[vertex.Name[(vertex.Name.IndexOf(']', StringComparison.Ordinal) + 2)..]] = vertex;
        }
    }

    public LocalStore Store { get; }

    /// <summary>The build context: empty until a test writes into it.</summary>
    public string Context => Path.Join(_dir.FullName, "context");

    public static readonly DateTimeOffset Created = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>The op of the step written as <paramref name="text"/> (its first line).</summary>
    public IOp<StepState> Op(string text) => _ops.For(_steps[text]);

    public Task<CacheMap> CacheMapAsync(string text, StepState input) => Op(text).CacheMapAsync([input], Token).AsTask();

    public Task<StepState> ExecAsync(string text, StepState input) =>
        Op(text) is var op ? ExecAsync(op, input) : throw new InvalidOperationException();

    private static async Task<StepState> ExecAsync(IOp<StepState> op, StepState input) =>
        await op.ExecAsync([input], await op.CacheMapAsync([input], Token), Token);

    /// <summary>What <paramref name="state"/>'s layers hold, applied in order: <c>dir/</c> or <c>file=content</c>.</summary>
    public async Task<List<string>> TreeAsync(StepState state)
    {
        using var view = await new CopyingSnapshotter(Store).ViewAsync(Store.Layout.NewTmpPath(), state.Layers, Token);
        return [.. Directory.EnumerateFileSystemEntries(view.Path, "*", new EnumerationOptions { RecurseSubdirectories = true })
            .Select(p => Path.GetRelativePath(view.Path, p) + (Directory.Exists(p) ? "/" : "=" + File.ReadAllText(p)))
            .Order(StringComparer.Ordinal)];
    }

    public static StepState State(IReadOnlyDictionary<string, string?>? args = null, params string[] env) => new()
    {
        Layers = [],
        Config = new ImageConfig
        {
            Architecture = "amd64",
            Os = "linux",
            RootFs = new RootFs { DiffIds = [] },
            Config = new ContainerConfig { Env = [StepState.DefaultPath, .. env] },
            History = [],
        },
        Args = args ?? new Dictionary<string, string?>(),
    };

    public void Dispose()
    {
        _ops.Dispose();
        _dir.Delete(true);
    }

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
}
