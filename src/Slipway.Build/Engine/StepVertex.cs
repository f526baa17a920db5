using System.Text;
using Slipway.Dockerfile.Instructions;
using Slipway.Oci;
using Slipway.Solver;

namespace Slipway.Build.Engine;

/// <summary>One Dockerfile step as a solver vertex. Its operation digest covers the instruction as written and
/// where it stands; what it means after expansion is added by the executor as the step's content digest.</summary>
public sealed class StepVertex : Vertex
{
    public StepVertex(string name, Stage stage, Instruction? instruction, int step, IReadOnlyList<Vertex> inputs, bool noCache)
        : base(name, inputs)
    {
        Stage = stage;
        Instruction = instruction;
        Step = step;
        NoCache = noCache;
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

    /// <summary>The instruction; null for the FROM step that starts the stage.</summary>
    public Instruction? Instruction { get; }

    public int Step { get; }

    public bool NoCache { get; }

    public override Digest OperationDigest { get; }

    /// <summary>A <c>COPY --from=&lt;stage&gt;</c> takes files from the stage (input 1, which the planner adds only for
    /// a stage): their fingerprints key it, not the stage's key (docs/decisions/0003).</summary>
    public override bool KeyedByContent(int index) => index == 1 && Instruction is CopyInstruction { From: not null };

    public override bool Cacheable => !NoCache;
}
