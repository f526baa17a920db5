using System.Text;
using Slipway.Dockerfile.Instructions;
using Slipway.Oci;
using Slipway.Solver;

namespace Slipway.Build.Engine;

/// <summary>One Dockerfile step as a solver vertex. Its operation digest covers the instruction as written and
/// where it stands; what it means after expansion is added by its op (the Ops folder) as the content digest.</summary>
public sealed class StepVertex : Vertex
{
    /// <param name="name">The step as progress names it: <c>[stage-0 2/3] RUN make</c>.</param>
    /// <param name="stage">The stage the step belongs to.</param>
    /// <param name="instruction">The step's instruction; null for the stage's FROM.</param>
    /// <param name="step">The step's place in its stage: 0 for FROM.</param>
    /// <param name="inputs">The previous step, then the stages it reads, in order.</param>
    /// <param name="ignoreCache">Why the step runs even when cached (<c>--no-cache</c>, <c>--no-cache-filter STAGE</c>), or null.</param>
    public StepVertex(string name, Stage stage, Instruction? instruction, int step, IReadOnlyList<Vertex> inputs, string? ignoreCache = null)
        : base(name, inputs)
    {
        Stage = stage;
        Instruction = instruction;
        Step = step;
        IgnoreCache = ignoreCache;
        // An ARG line is keyed without its text: its value reaches the keys of the steps that use it, not its own
        // (v2; v1 keyed the value here, so an ARG nothing used invalidated every later step).
        var text = instruction switch
        {
            null => $"FROM {stage.BaseName}",
            ArgInstruction => "ARG",
            _ => instruction.Node.Original,
        };
        OperationDigest = Digest.Compute(Encoding.UTF8.GetBytes($"slipway.step.v2\n{stage.Index}\n{step}\n{text}"));
    }

    public Stage Stage { get; }

    /// <summary>The target platform of the build this step belongs to, in a build for several platforms (the ops
    /// of each platform's steps are that platform's); null in a build for one.</summary>
    public Platform? Target { get; init; }

    /// <summary>The instruction; null for the FROM step that starts the stage.</summary>
    public Instruction? Instruction { get; }

    public int Step { get; }

    public override Digest OperationDigest { get; }

    public override string? IgnoreCache { get; }
}
