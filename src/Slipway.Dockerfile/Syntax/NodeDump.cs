using System.Text;

namespace Slipway.Dockerfile.Syntax;

/// <summary>BuildKit's Node.Dump(): one s-expression per instruction, <c>(run ["--mount=…"] "echo hi")</c>.
/// Used by the conformance tests and by <c>slipway dockerfile parse --format dump</c>.</summary>
public static class NodeDump
{
    public static string Dump(IEnumerable<Node> children)
    {
        var sb = new StringBuilder();
        foreach (var child in children)
        {
            sb.Append('(').Append(Dump(child)).Append(")\n");
        }

        return sb.ToString().Trim();
    }

    public static string Dump(Node node)
    {
        var sb = new StringBuilder(node.Name);
        if (node.Flags.Count > 0)
        {
            sb.Append(' ').Append(GoQuote.QuoteList(node.Flags));
        }

        if (node.Subcommand is not null)
        {
            sb.Append(" (").Append(Dump(node.Subcommand)).Append(')');
        }

        foreach (var arg in node.Args)
        {
            sb.Append(' ').Append(GoQuote.Quote(arg));
        }

        return sb.ToString().Trim();
    }
}
