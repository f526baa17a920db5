using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Instructions;

/// <summary>A typed Dockerfile instruction. Values are as written: variables are expanded later, per stage.</summary>
public abstract record Instruction
{
    public required Node Node { get; init; }

    public SourceSpan Span => Node.Span;
}

/// <summary>A command in exec form (JSON, <see cref="PrependShell"/> false) or shell form (one string run by the
/// stage's SHELL). RUN heredocs are carried as <see cref="Files"/>.</summary>
public sealed record ShellCommand(IReadOnlyList<string> Args, bool PrependShell, IReadOnlyList<Heredoc> Files);

/// <summary>One <c>key=value</c> of ENV or LABEL; the value keeps its quotes until expansion.</summary>
public sealed record KeyValue(string Key, string Value);

/// <summary>One ARG name with its optional default (kept as written).</summary>
public sealed record ArgDefinition(string Name, string? Default);

public sealed record FromInstruction(string BaseName, string? StageName, string? Platform) : Instruction;

public sealed record RunInstruction(ShellCommand Command, IReadOnlyList<RunMount> Mounts, NetworkMode Network,
    SecurityMode Security) : Instruction;

public sealed record CmdInstruction(ShellCommand Command) : Instruction;

public sealed record EntrypointInstruction(ShellCommand Command) : Instruction;

public sealed record ShellInstruction(IReadOnlyList<string> Shell) : Instruction;

public sealed record LabelInstruction(IReadOnlyList<KeyValue> Labels) : Instruction;

public sealed record EnvInstruction(IReadOnlyList<KeyValue> Variables) : Instruction;

public sealed record ExposeInstruction(IReadOnlyList<string> Ports) : Instruction;

public sealed record VolumeInstruction(IReadOnlyList<string> Volumes) : Instruction;

public sealed record UserInstruction(string User) : Instruction;

public sealed record WorkdirInstruction(string Path) : Instruction;

public sealed record StopSignalInstruction(string Signal) : Instruction;

public sealed record MaintainerInstruction(string Maintainer) : Instruction;

public sealed record ArgInstruction(IReadOnlyList<ArgDefinition> Args) : Instruction;

/// <summary>ONBUILD: the trigger text as written and its parsed form.</summary>
public sealed record OnbuildInstruction(string Expression, Instruction Trigger) : Instruction;

public enum NetworkMode
{
    Default,
    None,
    Host,
}

public enum SecurityMode
{
    Sandbox,
    Insecure,
}
