using System.Globalization;
using Slipway.Build.Engine;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Expansion;
using Slipway.Dockerfile.Instructions;
using Slipway.Dockerfile.Lint;

namespace Slipway.Build.Ops;

/// <summary>What every op of one build shares: the build's settings, its stage graph, the images it resolves, how
/// words expand, and the time its history entries carry. Made once per build; it holds nothing about a step.</summary>
public sealed class StepServices(BuildOptions options, StageGraph graph, char escapeToken, ImageSource images, IBuildProgress progress,
    TimeProvider time)
{
    private readonly ShellLex _lex = new(escapeToken);

    public BuildOptions Options => options;

    public StageGraph Graph => graph;

    public ImageSource Images => images;

    public IBuildProgress Progress => progress;

    /// <summary>The Dockerfile's lines, for errors that point at an instruction.</summary>
    public IReadOnlyList<string> SourceLines { get; init; } = [];

    /// <summary>The build checks in force (<c># check=</c>), for the checks that run during the build.</summary>
    public CheckConfig Checks { get; init; } = CheckConfig.Default;

    /// <summary>A mistake BuildKit finds while it converts an instruction (an EXPOSE port, a STOPSIGNAL, a --chmod):
    /// the message at the instruction's line, with the line and a caret, as a parse error is shown.</summary>
    public DockerfileException Error(Instruction instruction, string message)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        return new DockerfileException(DiagnosticFormatter.Format(Diagnostic.Error(DiagnosticIds.Arguments, message, instruction.Span), SourceLines));
    }

    /// <summary>When a step made now is made, as its history entry says: SOURCE_DATE_EPOCH, else the clock when the
    /// step asks (as BuildKit dates a layer by when its step made it). A cached step keeps the time of the build that
    /// made it, in its record's config, so the image config, dated by its last step, is the same on every fully
    /// cached rebuild.</summary>
    public DateTimeOffset Created => options.SourceDateEpoch ?? time.GetUtcNow();

    /// <summary>An expansion of the words of a step on <paramref name="state"/>; <paramref name="track"/> for a
    /// cache map, which keys the variables referenced.</summary>
    public Expansion Expand(StepState state, bool track = false) => new(_lex, state, track);

    /// <summary>The platform <paramref name="stage"/> runs on: its <c>FROM --platform</c>, else the build's target.
    /// Every step's key holds it, so the same step for two targets is one step when its stage runs on one platform
    /// for both (a <c>FROM --platform=$BUILDPLATFORM</c> builder).</summary>
    public Oci.Platform PlatformOf(Stage stage) => BuildPlanner.StagePlatform(stage, options.Platform);

    /// <summary>Whether <paramref name="name"/> (a <c>--from</c>) names a stage of this build rather than an image.</summary>
    public bool IsStage(string name) => graph.Find(name) is not null;

    /// <summary>The name under which builds of <paramref name="step"/> are remembered (<see cref="StepHistory.Identity"/>).</summary>
    public string HistoryOf(StepVertex step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var identity = StepHistory.Identity(options.ContextDir, options.DockerfilePath, options.DockerfileName,
            step.Stage.Name ?? step.Stage.Index.ToString(CultureInfo.InvariantCulture), step.Step);
        // In a build for several platforms each target's steps have a history of their own: a miss explains what
        // changed since this platform's last build, not that the other platform's step ran just before.
        return step.Target is { } target ? Oci.Digest.Compute(System.Text.Encoding.UTF8.GetBytes(identity + "\n" + target)).Hex : identity;
    }
}
