using System.CommandLine;
using System.CommandLine.Parsing;

namespace Slipway.Cli;

/// <summary>Finds a word that reads as a flag the command does not have. System.CommandLine takes an unknown
/// <c>--foo</c> as an argument, so <c>build --foo .</c> would blame <c>.</c> (or build a context named <c>--foo</c>);
/// docker's flag parser names the flag instead, and so does this.</summary>
internal static class UnknownFlags
{
    /// <summary>pflag's message for the first unknown flag (<c>unknown flag: --foo</c>, <c>unknown shorthand flag: 'z'
    /// in -z</c>), or null when every flag is known.</summary>
    public static string? Find(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var values = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        CollectOptionValues(parse.RootCommandResult, values);
        var command = parse.CommandResult.Command;
        foreach (var token in parse.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
            {
                break;
            }

            if (token.Type != TokenType.Argument || values.Contains(token))
            {
                continue;
            }

            if (token.Value.Length > 1 && token.Value[0] == '-')
            {
                return Message(token.Value, KnownShortNames(parse.CommandResult));
            }

            // A command that passes its trailing words on (run IMAGE COMMAND…) stops reading flags at its first
            // argument, as docker run does.
            if (!command.TreatUnmatchedTokensAsErrors)
            {
                break;
            }
        }

        return null;
    }

    private static string Message(string word, HashSet<char> shortNames)
    {
        if (word.StartsWith("--", StringComparison.Ordinal))
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            return $"unknown flag: {(eq < 0 ? word : word[..eq])}";
        }

        var letter = word.Skip(1).FirstOrDefault(c => !shortNames.Contains(c), word[1]);
        return $"unknown shorthand flag: '{letter}' in {word}";
    }

    private static void CollectOptionValues(CommandResult command, HashSet<Token> values)
    {
        foreach (var child in command.Children)
        {
            switch (child)
            {
                case OptionResult option:
                    values.UnionWith(option.Tokens);
                    break;
                case CommandResult subcommand:
                    CollectOptionValues(subcommand, values);
                    break;
            }
        }
    }

    /// <summary>The one-letter names the command answers to: its own options' and its ancestors' recursive ones.</summary>
    private static HashSet<char> KnownShortNames(CommandResult result)
    {
        var names = new HashSet<char>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult command)
            {
                foreach (var option in command.Command.Options.Where(o => r == result || o.Recursive))
                {
                    foreach (var alias in option.Aliases.Append(option.Name).Where(a => a.Length == 2 && a[0] == '-'))
                    {
                        names.Add(alias[1]);
                    }
                }
            }
        }

        return names;
    }
}
