using System.CommandLine;

namespace Slipway.Cli;

/// <summary>docker stops reading flags at <c>run</c>'s image (and <c>exec</c>'s container): every word after it
/// belongs to the command, <c>-c</c> and <c>--help</c> included. System.CommandLine reads flags anywhere, so a
/// <c>--</c> is put after that first argument before parsing. A command that passes its trailing words on says so
/// by not treating unmatched tokens as errors.</summary>
internal static class TrailingArguments
{
    public static string[] Separate(RootCommand root, string[] args)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(args);
        Command current = root;
        var options = new List<Option>(root.Options);
        for (var i = 0; i < args.Length; i++)
        {
            var word = args[i];
            if (word == "--")
            {
                return args;
            }

            if (word.Length > 1 && word[0] == '-')
            {
                if (!word.Contains('=', StringComparison.Ordinal) && TakesValue(options, word))
                {
                    i++;
                }

                continue;
            }

            if (current.Subcommands.FirstOrDefault(c => c.Name == word || c.Aliases.Contains(word)) is { } sub)
            {
                current = sub;
                options.AddRange(sub.Options);
                continue;
            }

            if (!current.TreatUnmatchedTokensAsErrors)
            {
                return [.. args[..(i + 1)], "--", .. args[(i + 1)..]];
            }
        }

        return args;
    }

    /// <summary>Whether the flag word is followed by its value: a known option that is not a switch, or a bundle of
    /// one-letter flags (<c>-dp</c>) whose last one takes a value.</summary>
    private static bool TakesValue(List<Option> options, string word)
    {
        if (Find(options, word) is { } option)
        {
            return option.ValueType != typeof(bool);
        }

        if (word.StartsWith("--", StringComparison.Ordinal) || word.Length < 3)
        {
            return false;
        }

        return Find(options, "-" + word[^1]) is { } last && last.ValueType != typeof(bool)
            && word[1..^1].All(c => Find(options, "-" + c) is { } o && o.ValueType == typeof(bool));
    }

    private static Option? Find(List<Option> options, string name) =>
        options.FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name));
}
