namespace Slipway.Dockerfile.Diagnostics;

/// <summary>Stable identifiers, one per kind of mistake. Never reuse or renumber.</summary>
public static class DiagnosticIds
{
    public const string Syntax = "DF0001";
    public const string NoInstructions = "DF0002";
    public const string LineTooLong = "DF0003";
    public const string Directive = "DF0004";
    public const string Heredoc = "DF0005";
    public const string Json = "DF0006";
    public const string UnknownInstruction = "DF0010";
    public const string UnknownFlag = "DF0011";
    public const string BadFlagValue = "DF0012";
    public const string Arguments = "DF0013";
    public const string Stage = "DF0020";
    public const string UnknownTarget = "DF0021";
    public const string DuplicateStage = "DF0022";
    public const string StageReference = "DF0023";
    public const string Expansion = "DF0024";
    public const string EmptyContinuation = "DF0100";
    public const string Entitlement = "DF0110";
}
