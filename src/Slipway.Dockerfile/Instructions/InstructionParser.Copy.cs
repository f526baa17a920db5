using System.Globalization;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Instructions;

public static partial class InstructionParser
{
    private static CopyInstruction? ParseCopy(Context c)
    {
        var flags = new FlagSet().String("from", "chown", "chmod").Bool("link", "parents").Strings("exclude");
        if (!c.Flags(flags) || SourcesAndDest(c, "COPY") is not { } sources)
        {
            return null;
        }

        return new CopyInstruction(sources, flags.GetString("from"), Options(flags)) { Node = c.Node };
    }

    private static AddInstruction? ParseAdd(Context c)
    {
        var flags = new FlagSet().String("chown", "chmod", "checksum").Bool("link", "keep-git-dir", "unpack")
            .Strings("exclude");
        if (!c.Flags(flags) || SourcesAndDest(c, "ADD") is not { } sources)
        {
            return null;
        }

        return new AddInstruction(sources, Options(flags), flags.GetString("checksum"), flags.GetBool("keep-git-dir"),
            flags.GetBool("unpack")) { Node = c.Node };
    }

    private static CopyOptions Options(FlagSet flags) => new(flags.GetString("chown"), flags.GetString("chmod"),
        flags.GetBool("link") ?? false, flags.GetBool("parents") ?? false, flags.GetStrings("exclude"));

    private static SourcesAndDest? SourcesAndDest(Context c, string keyword)
    {
        var args = c.Node.Args;
        if (args.Count < 2)
        {
            return c.Fail<SourcesAndDest>(DiagnosticIds.Arguments,
                $"{keyword} requires at least two arguments, but only one was provided. Destination could not be determined");
        }

        if (!c.Node.IsJson && HeredocWords.ParseOpener(args[^1], out _) is not null)
        {
            return c.Fail<SourcesAndDest>(DiagnosticIds.Heredoc, $"{keyword} cannot accept a heredoc as a destination");
        }

        var paths = new List<string>();
        var contents = new List<Heredoc>();
        foreach (var src in args.Take(args.Count - 1))
        {
            var opener = c.Node.IsJson ? null : HeredocWords.ParseOpener(src, out _);
            var body = opener is null ? null : c.Node.Heredocs.FirstOrDefault(h => h.Name == opener.Name);
            if (body is not null)
            {
                contents.Add(body);
            }
            else
            {
                paths.Add(src);
            }
        }

        return new SourcesAndDest(paths, contents, args[^1]);
    }
}
