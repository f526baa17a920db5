using System.CommandLine;

namespace Slipway.Cli;

/// <summary>Reads the command line as docker's flag parser (cobra over spf13/pflag) reads it, only to find the flag
/// mistake it would stop at. System.CommandLine takes an unknown <c>--foo</c> as an argument, so <c>build --foo .</c>
/// would blame <c>.</c>, and it splits an unknown bundle (<c>images -qz</c>) into <c>-q z</c>, so <c>z</c> would
/// quietly become the REPOSITORY; pflag names the flag instead, and so does this.</summary>
internal static class UnknownFlags
{
    /// <summary>pflag's message for the first flag mistake in <paramref name="args"/> (<c>unknown flag: --foo</c>,
    /// <c>unknown shorthand flag: 'z' in -z</c>, <c>flag needs an argument: --tag</c>) and the command it was
    /// found in, or null when the flags read well. Like pflag, a bundle is reported from the letter that failed on
    /// (<c>-qz</c>: <c>'z' in -z</c>, as pflag names what is left of the bundle), a flag's value is the rest of its
    /// bundle or the next word, flags may follow arguments, and <c>--</c> ends the flags.</summary>
    public static (string Message, Command Command)? Find(RootCommand root, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(args);
        var path = new List<Command> { root };
        var sawArgument = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var command = path[^1];
            if (arg == "--")
            {
                return null;
            }

            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                var name = eq < 0 ? arg : arg[..eq];
                if ((Lookup(path, arg) ?? Lookup(path, name)) is not { } option)
                {
                    return ($"unknown flag: {name}", command);
                }

                if (eq < 0 && TakesValue(option) && ++i >= args.Count)
                {
                    return ($"flag needs an argument: {name}", command);
                }

                continue;
            }

            if (arg.Length > 1 && arg[0] == '-')
            {
                if (ShortMistake(path, arg, args, ref i) is { } mistake)
                {
                    return (mistake, command);
                }

                continue;
            }

            if (!sawArgument && command.Subcommands.FirstOrDefault(s => s.Name == arg || s.Aliases.Contains(arg)) is { } subcommand)
            {
                path.Add(subcommand);
                continue;
            }

            // A word no command knows is System.CommandLine's to report; a command that passes its trailing words on
            // (run IMAGE COMMAND…) stops reading flags at its first argument, as docker run does.
            if (command.Subcommands.Count > 0 && command.Arguments.Count == 0 || !command.TreatUnmatchedTokensAsErrors)
            {
                return null;
            }

            sawArgument = true;
        }

        return null;
    }

    /// <summary>One <c>-abc</c> word, letter by letter as pflag's parseSingleShortArg reads it: a flag that takes a
    /// value takes the rest of the word (after an optional <c>=</c>) or else the next word.</summary>
    private static string? ShortMistake(List<Command> path, string arg, IReadOnlyList<string> args, ref int i)
    {
        for (var at = 1; at < arg.Length; at++)
        {
            var letter = arg[at];
            if (Lookup(path, "-" + letter) is not { } option)
            {
                return $"unknown shorthand flag: '{letter}' in -{arg[at..]}";
            }

            if (at + 1 < arg.Length && arg[at + 1] == '=')
            {
                return null;
            }

            if (TakesValue(option))
            {
                if (at + 1 < arg.Length)
                {
                    return null;
                }

                return ++i < args.Count ? null : $"flag needs an argument: '{letter}' in -{letter}";
            }
        }

        return null;
    }

    /// <summary>pflag's flags without a default for a bare use (bools, and options like <c>--scan-secrets</c> whose
    /// value can only be joined with <c>=</c>) never take the next word.</summary>
    private static bool TakesValue(Option option) => option.Arity.MinimumNumberOfValues > 0;

    /// <summary>The option a word names in the command being read: its own options and its ancestors' recursive
    /// ones (the global <c>--root</c>, <c>--debug</c>, <c>--help</c>), as cobra's persistent flags.</summary>
    private static Option? Lookup(List<Command> path, string word)
    {
        for (var level = path.Count - 1; level >= 0; level--)
        {
            var own = level == path.Count - 1;
            foreach (var option in path[level].Options.Where(o => own || o.Recursive))
            {
                if (option.Name == word || option.Aliases.Contains(word))
                {
                    return option;
                }
            }
        }

        return null;
    }

    /// <summary>The command's one-line usage as docker prints it under a flag error (cobra's UseLine over docker's
    /// <c>Use</c> texts): <c>slipway images [OPTIONS] [REPOSITORY[:TAG]]</c>, <c>slipway tag SOURCE TARGET</c>,
    /// <c>slipway image</c>, <c>slipway [OPTIONS] COMMAND [ARG...]</c>.</summary>
    public static string UseLine(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var path = CommandPath(command);
        if (command.Subcommands.Count > 0)
        {
            // docker's root is "docker [OPTIONS] COMMAND [ARG...]"; a management command's Use is its bare name.
            return command.Parents.Any() ? path : $"{path} [OPTIONS] COMMAND [ARG...]";
        }

        var words = command.Arguments.Where(a => !a.Hidden).Select(a =>
        {
            var name = a.HelpName ?? a.Name;
            return (a.Arity.MinimumNumberOfValues, a.Arity.MaximumNumberOfValues) switch
            {
                (0, 1) => $"[{name}]",
                (0, _) => $"[{name}...]",
                (1, 1) => name,
                _ => $"{name} [{name}...]",
            };
        });
        // [OPTIONS] only where the command has options of its own (docker tag has none).
        var options = command.Options.Any(o => !o.Hidden && o is not System.CommandLine.Help.HelpOption);
        return string.Join(' ', [path, .. options ? ["[OPTIONS]"] : Array.Empty<string>(), .. words]);
    }

    /// <summary>The command as typed: <c>slipway dockerfile parse</c>.</summary>
    public static string CommandPath(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = c.Parents.FirstOrDefault())
        {
            names.Insert(0, c.Parents.Any() ? c.Name : "slipway");
        }

        return string.Join(' ', names);
    }
}
