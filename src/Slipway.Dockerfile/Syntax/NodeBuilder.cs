namespace Slipway.Dockerfile.Syntax;

/// <summary>Turns one logical line into a <see cref="Node"/> (BuildKit's newNodeFromLine).</summary>
internal static class NodeBuilder
{
    // BuildKit recurses without a bound; a bound keeps a line of thousands of ONBUILDs from exhausting the stack.
    private const int MaxOnbuildDepth = 64;

    public static Node? FromLine(string line, char escape, out string? error) => FromLine(line, escape, 0, out error);

    private static Node? FromLine(string line, char escape, int depth, out string? error)
    {
        error = null;
        var split = CommandSplitter.SplitCommand(line);
        var name = split.Keyword.ToLowerInvariant();
        if (name == "onbuild")
        {
            Node? sub = null;
            if (depth >= MaxOnbuildDepth)
            {
                error = "ONBUILD nested too deeply";
                return null;
            }

            if (split.Rest.Length > 0)
            {
                sub = FromLine(split.Rest, escape, depth + 1, out error);
                if (sub is null)
                {
                    return null;
                }
            }

            return new Node { Name = name, Keyword = split.Keyword, Flags = split.Flags, Original = line, Subcommand = sub };
        }

        var parsed = LineParsers.Parse(name, split.Rest, escape);
        if (parsed.Error is not null)
        {
            error = parsed.Error;
            return null;
        }

        return new Node
        {
            Name = name,
            Keyword = split.Keyword,
            Flags = split.Flags,
            Args = parsed.Args,
            IsJson = parsed.IsJson,
            Original = line,
        };
    }

    public static bool CanContainHeredoc(Node node)
    {
        if (node.Name == "onbuild" && node.Subcommand is not null)
        {
            node = node.Subcommand;
        }

        return node.Name is "run" or "copy" or "add" && !node.IsJson;
    }
}
