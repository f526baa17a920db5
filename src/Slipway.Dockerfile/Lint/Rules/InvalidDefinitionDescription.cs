using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class InvalidDefinitionDescription
{
    // Experimental in BuildKit: runs only under experimental=InvalidDefinitionDescription.
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(InvalidDefinitionDescription),
        "Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.", Check)
        with { EnabledByDefault = false };

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var stage in c.Stages)
        {
            if (stage.Name is { } name && !Describes(CommentAbove(c, stage.From.Span.StartLine), name))
            {
                c.Report(rule, Message("build stage", name), stage.From.Span);
            }
        }

        foreach (var arg in c.Instructions<ArgInstruction>())
        {
            if (arg.Args.Count == 1 && !Describes(CommentAbove(c, arg.Span.StartLine), arg.Args[0].Name))
            {
                c.Report(rule, Message("argument", arg.Args[0].Name), arg.Span);
            }
        }
    }

    private static string Message(string what, string name) =>
        $"Comment for {what} should follow the format: `# {name} <description>`";

    /// <summary>The first line of the comment block directly above a line (a blank line ends it), without the #.</summary>
    private static string? CommentAbove(LintContext c, int line)
    {
        var lines = c.Syntax.SourceLines;
        string? first = null;
        for (var i = line - 2; i >= 0 && lines[i].TrimStart().StartsWith('#'); i--)
        {
            first = lines[i].TrimStart()[1..].Trim();
        }

        return first;
    }

    /// <summary>No comment, or a comment whose first word is the name.</summary>
    private static bool Describes(string? comment, string name)
    {
        if (comment is null)
        {
            return true;
        }

        var first = comment;
        var space = first.IndexOfAny([' ', '\t']);
        return (space < 0 ? first : first[..space]) == name;
    }
}
