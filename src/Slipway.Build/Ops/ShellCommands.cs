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
        return [.. shell, WithHeredocs(string.Join(' ', command.Args), command.Files)];
    }

    /// <summary>The shell script of a RUN with heredocs, as BuildKit makes it: a command that is only one heredoc
    /// runs the heredoc as the script; otherwise the bodies follow the command line so the shell feeds them in.</summary>
    private static string WithHeredocs(string script, IReadOnlyList<Heredoc> files)
    {
        if (files.Count == 0)
        {
            return script;
        }

        if (files.Count == 1 && HeredocWords.ParseOpener(script.Trim(), out _) is not null)
        {
            var body = files[0].ChompedContent;
            return body.StartsWith("#!", StringComparison.Ordinal)
                ? throw new BuildException($"RUN <<{files[0].Name}: a heredoc script with a #! interpreter line is not supported yet")
                : body;
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
