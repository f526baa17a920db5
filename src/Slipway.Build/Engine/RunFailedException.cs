using System.Globalization;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Oci;

namespace Slipway.Build.Engine;

/// <summary>A RUN whose process exited non-zero. The message is BuildKit's, <c>process "/bin/sh -c false" did not
/// complete successfully: exit code: 1</c>; the rest is what the CLI shows around it as BuildKit does: the step, the
/// last lines it printed, and where the instruction stands in its Dockerfile.</summary>
public sealed class RunFailedException : SlipwayException
{
    public const string ErrorCode = "build.run-failed";

    public RunFailedException(string step, string command, int exitCode, IReadOnlyList<string> outputTail, SourceSpan span)
        : base(string.Create(CultureInfo.InvariantCulture, $"process \"{command}\" did not complete successfully: exit code: {exitCode}"))
    {
        Step = step;
        Command = command;
        ExitCode = exitCode;
        OutputTail = outputTail;
        Span = span;
    }

    public override string Code => ErrorCode;

    /// <summary>The step as progress names it: <c>[stage-0 2/2] RUN false</c>.</summary>
    public string Step { get; }

    /// <summary>The process as BuildKit quotes it: <c>/bin/sh -c false</c>, or <c>["a", "b"]</c> for the exec form.</summary>
    public string Command { get; }

    public int ExitCode { get; }

    /// <summary>The last lines the process printed (at most ten, as BuildKit keeps).</summary>
    public IReadOnlyList<string> OutputTail { get; }

    /// <summary>Where the instruction stands in its Dockerfile.</summary>
    public SourceSpan Span { get; }
}
