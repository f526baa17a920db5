using System.Globalization;
using Slipway.Build.Engine;
using Slipway.Dockerfile.Lint.Rules;
using Slipway.Oci;
using Slipway.Solver;

namespace Slipway.Build.Ops;

/// <summary>The FROM that starts a stage: from another stage (its result, input 0), from scratch, or from a base
/// image (its layers and config, with PATH set when the image sets none). Keyed by what it starts from: the base
/// image's manifest digest (so <c>--pull</c> that finds a new one misses), or the stage's layers. A named build context
/// that replaces the stage or its base is a base image here (<see cref="ImageSource.BaseAsync"/>), keyed by its digest.</summary>
public sealed class FromOp(StepVertex step, StepServices services) : StepOp(step, services)
{
    private bool IsScratch => !Step.Stage.Replaced && string.Equals(Step.Stage.BaseName, "scratch", StringComparison.OrdinalIgnoreCase);

    protected override async Task AddFactsAsync(StepInputs facts, IReadOnlyList<StepState> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var stage = Step.Stage;
        facts.Add("instruction", "FROM " + stage.BaseName);
        if (stage.BaseStage is not null || IsScratch)
        {
            facts.Add("base", IsScratch ? "scratch" : "stage");
        }
        else
        {
            var image = await Services.Images.BaseAsync(stage, cancellationToken).ConfigureAwait(false);
            facts.Add("base", image.ManifestDescriptor.Digest.Value);
            WarnOnOtherPlatform(image.Config);
        }

        if (stage.BaseStage is not null)
        {
            facts.Add("stage:" + stage.BaseName, LayersDigest(inputs[0]));
        }
    }

    public override async ValueTask<StepState> ExecAsync(IReadOnlyList<StepState> inputs, CacheMap cacheMap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (Step.Stage.BaseStage is not null)
        {
            return inputs[0] with { Args = new Dictionary<string, string?>(), CmdSet = false };
        }

        if (IsScratch)
        {
            var platform = Services.PlatformOf(Step.Stage);
            return new StepState
            {
                Layers = [],
                Config = new ImageConfig
                {
                    Architecture = platform.Architecture,
                    Os = platform.Os,
                    Variant = platform.Variant,
                    RootFs = new RootFs { DiffIds = [] },
                    // BuildKit's empty image: WorkingDir "/" and the default PATH.
                    Config = new ContainerConfig { Env = [StepState.DefaultPath], WorkingDir = "/" },
                    History = [],
                },
                Args = new Dictionary<string, string?>(),
            };
        }

        var image = await Services.Images.BaseAsync(Step.Stage, cancellationToken).ConfigureAwait(false);
        // The base's ONBUILD triggers run in this stage (planned as its first steps) and are not inherited further.
        var container = (image.Config.Config ?? new ContainerConfig()) with { OnBuild = null };
        if (container.Env is null || !container.Env.Any(e => e.StartsWith("PATH=", StringComparison.Ordinal)))
        {
            container = container with { Env = [.. container.Env ?? [], StepState.DefaultPath] };
        }

        return new StepState
        {
            Layers = image.Layers,
            Config = image.Config with { Config = container, History = image.Config.History ?? [] },
            Args = new Dictionary<string, string?>(),
        };
    }

    /// <summary>BuildKit's InvalidBaseImagePlatform, checked when the base is resolved (each build, cached or not): the
    /// stage's own <c>--platform</c>, else the build's, against what the base's config says it is.</summary>
    private void WarnOnOtherPlatform(ImageConfig config)
    {
        var rule = InvalidBaseImagePlatform.Rule;
        if (!Services.Checks.Runs(rule) || string.IsNullOrEmpty(config.Os) || string.IsNullOrEmpty(config.Architecture))
        {
            return;
        }

        var expected = Services.PlatformOf(Step.Stage);
        var actual = new Platform { Os = config.Os, Architecture = config.Architecture, Variant = config.Variant };
        if (InvalidBaseImagePlatform.Message(Step.Stage.BaseName, expected, actual) is { } message)
        {
            Services.Progress.OnWarning(string.Create(CultureInfo.InvariantCulture, $"{rule.Id}: {message} (line {Step.Stage.From.Span.StartLine})"));
        }
    }

    /// <summary>A stage starts with no ARGs in scope and no CMD set, whatever the record says.</summary>
    public override StepState Revive(StepState cached, IReadOnlyList<StepState> inputs)
    {
        ArgumentNullException.ThrowIfNull(cached);
        return cached with { Args = new Dictionary<string, string?>(), CmdSet = false };
    }
}
