using System.Text;
using Slipway.Build.Engine;
using Slipway.Dockerfile.Instructions;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Build.Ops;

/// <summary>The argv of RUN, CMD and ENTRYPOINT: exec form as written, shell form through the stage's SHELL.</summary>
public static class ShellCommands
{
    public static List<string> Args(ShellCommand command, StepState state)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        if (!command.PrependShell)
        {
            return [.. command.Args];
        }

        var shell = state.Container.Shell is { Count: > 0 } s ? s : ["/bin/sh", "-c"];
        if (Script(command) is { } script)
        {
            return [.. shell, ScriptsDir + "/" + script.Name];
        }

        return [.. shell, WithHeredocs(string.Join(' ', command.Args), command.Files)];
    }

    /// <summary>Where a <c>#!</c> heredoc is mounted (read-only) for its RUN, as BuildKit does.</summary>
    public const string ScriptsDir = "/dev/pipes";

    /// <summary>The heredoc a RUN executes as a file: the command is only that heredoc and its body (after
    /// <c>&lt;&lt;-</c>) starts with <c>#!</c>, so the kernel runs it with the interpreter it names (BuildKit writes it
    /// as /dev/pipes/NAME, mode 0755, and runs that path through the shell). Null otherwise.</summary>
    public static Heredoc? Script(ShellCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!command.PrependShell || command.Files.Count == 0 || !IsOnlyHeredoc(string.Join(' ', command.Args))
            || !command.Files[0].ChompedContent.StartsWith("#!", StringComparison.Ordinal))
        {
            return null;
        }

        var name = command.Files[0].Name;
        return name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name is "." or ".."
            ? throw new BuildException($"RUN <<{name}: a #! heredoc needs a name that can be a file name")
            : command.Files[0];
    }

    private static bool IsOnlyHeredoc(string script) => HeredocWords.ParseOpener(script.Trim(), out _) is not null;

    /// <summary>The shell script of a RUN with heredocs, as BuildKit makes it: a command that is only one heredoc
    /// runs the heredoc as the script; otherwise the bodies follow the command line so the shell feeds them in.</summary>
    private static string WithHeredocs(string script, IReadOnlyList<Heredoc> files)
    {
        if (files.Count == 0)
        {
            return script;
        }

        if (IsOnlyHeredoc(script))
        {
            // A "fake" heredoc: the body is the script (BuildKit does not expand it either).
            return files[0].ChompedContent;
        }

        var text = new StringBuilder(script);
        foreach (var file in files)
        {
            text.Append('\n').Append(file.Content);
            if (!file.Content.EndsWith('\n'))
            {
                text.Append('\n');
            }

            text.Append(file.Name);
        }

        return text.ToString();
    }
}
