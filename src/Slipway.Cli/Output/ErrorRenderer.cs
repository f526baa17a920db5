using System.Text;
using Slipway.Build.Engine;
using Slipway.Oci;

namespace Slipway.Cli.Output;

/// <summary>The one place the CLI turns an error into text and an exit code. Every error is one
/// <c>ERROR: message</c> line, as buildx prints it; Slipway's errors (<see cref="SlipwayException"/>) print their
/// message, .NET's own print in Slipway's words (<see cref="ErrorText"/>), never in .NET's resource text. A failing
/// RUN is shown as BuildKit shows it: its last output lines, the instruction in its Dockerfile, then
/// <c>ERROR: failed to solve: …</c>. <c>--debug</c> adds the error's code and the exception's details.</summary>
internal static class ErrorRenderer
{
    public const string Prefix = "ERROR: ";

    /// <summary>Exit status of a command cancelled by a signal, as a shell reports SIGINT.</summary>
    public const int Canceled = 130;

    /// <summary>A user error that is not an exception (a bad option, a missing runtime): one line.</summary>
    public static int Fail(TextWriter error, string message, int exitCode = 1)
    {
        ArgumentNullException.ThrowIfNull(error);
        error.WriteLine(Prefix + message);
        return exitCode;
    }

    /// <summary>Writes <paramref name="exception"/> and returns <paramref name="exitCode"/>. A build passes its
    /// <paramref name="dockerfile"/> lines, for showing where a step that failed stands in it.</summary>
    public static int Render(TextWriter error, Exception exception, bool debug, int exitCode = 1, IReadOnlyList<string>? dockerfile = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(exception);
        error.Write(Format(exception, dockerfile));
        if (debug)
        {
            if (exception is SlipwayException slipway)
            {
                error.WriteLine($"code: {slipway.Code}");
            }

            error.WriteLine(exception.ToString());
        }

        return exitCode;
    }

    /// <summary>A command stopped by a signal.</summary>
    public static int RenderCanceled(TextWriter error) => Fail(error, "canceled", Canceled);

    /// <summary>The text for <paramref name="exception"/>, ending in a newline.</summary>
    public static string Format(Exception exception, IReadOnlyList<string>? dockerfile = null) => exception switch
    {
        RunFailedException run => RunFailure(run, dockerfile ?? []),
        _ => Prefix + Message(exception) + "\n",
    };

    /// <summary>The message alone, without the prefix.</summary>
    public static string Message(Exception exception) => exception switch
    {
        HttpRequestException http => $"cannot reach the registry: {ErrorText.Describe(http)}",
        _ => ErrorText.Describe(exception),
    };

    /// <summary>As buildx prints a failed RUN: the step's last lines between rules (BuildKit's progress printer),
    /// the instruction with the lines around it (its source), then the error.</summary>
    private static string RunFailure(RunFailedException run, IReadOnlyList<string> dockerfile)
    {
        var sb = new StringBuilder();
        sb.Append("------\n > ").Append(run.Step).Append(":\n");
        foreach (var line in run.OutputTail)
        {
            sb.Append(line).Append('\n');
        }

        sb.Append("------\n");
        sb.Append(SourceSnippet.Format(run.Span, dockerfile));
        return sb.Append(Prefix).Append("failed to solve: ").Append(run.Message).Append('\n').ToString();
    }
}
