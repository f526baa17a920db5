using System.Text.RegularExpressions;
using Slipway.Dockerfile.Lint;

namespace Slipway.Dockerfile.Tests.Lint;

/// <summary>One docs/rules/ID.md page: its Bad and Good Dockerfiles and the context facts each assumes
/// (an HTML comment <c>&lt;!-- facts: dockerignore=false context=a,b ignored=x build-arg=K=V platform=P base-platform=IMAGE=P --&gt;</c> above the block).</summary>
internal sealed partial record RulePage(string Id, string Title, string Bad, LintFacts BadFacts, string Good, LintFacts GoodFacts)
{
    public static string Directory => Path.Join(Slipway.Testing.Conformance.RepositoryRoot(), "docs", "rules");

    public static IEnumerable<string> Ids() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.md").Select(p => Path.GetFileNameWithoutExtension(p)!).Order(StringComparer.Ordinal);

    public static RulePage Load(string id)
    {
        var text = File.ReadAllText(Path.Join(Directory, id + ".md"));
        var title = text.Split('\n')[0].TrimStart('#').Trim();
        var (bad, badFacts) = Section(text, "## Bad", id);
        var (good, goodFacts) = Section(text, "## Good", id);
        return new RulePage(id, title, bad, badFacts, good, goodFacts);
    }

    private static (string Dockerfile, LintFacts Facts) Section(string text, string heading, string id)
    {
        var start = text.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{id}.md has no '{heading}' section");
        var match = Block().Match(text, start + heading.Length + 2);
        Assert.True(match.Success, $"{id}.md: '{heading}' has no ```dockerfile block");
        return (match.Groups["body"].Value, Facts(match.Groups["facts"].Value));
    }

    /// <summary>Facts a page does not state: a context with a .dockerignore that excludes nothing.</summary>
    private static LintFacts Facts(string spec)
    {
        var hasIgnore = true;
        var top = new HashSet<string>(StringComparer.Ordinal);
        var ignored = new HashSet<string>(StringComparer.Ordinal);
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        var bases = new Dictionary<string, Slipway.Oci.Platform>(StringComparer.Ordinal);
        Slipway.Oci.Platform? platform = null;
        foreach (var field in spec.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = field.IndexOf('=', StringComparison.Ordinal);
            var (key, value) = (field[..eq], field[(eq + 1)..]);
            switch (key)
            {
                case "dockerignore": hasIgnore = bool.Parse(value); break;
                case "context": top.UnionWith(value.Split(',')); break;
                case "ignored": ignored.UnionWith(value.Split(',')); break;
                case "build-arg":
                    var kv = value.IndexOf('=', StringComparison.Ordinal);
                    args[value[..kv]] = value[(kv + 1)..];
                    break;
                case "platform": platform = Slipway.Oci.Platform.Parse(value); break;
                case "base-platform":
                    var at = value.LastIndexOf('=');
                    bases[value[..at]] = Slipway.Oci.Platform.Parse(value[(at + 1)..]);
                    break;
                default: throw new InvalidDataException($"unknown fact {key}");
            }
        }

        return new LintFacts
        {
            HasDockerignore = hasIgnore, ContextTopLevel = top, IsIgnored = ignored.Contains, BuildArgs = args, TargetPlatform = platform, BasePlatforms = bases,
        };
    }

    [GeneratedRegex(@"\G\s*(?:<!-- facts: (?<facts>[^>]*?) -->\s*)?```dockerfile\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();
}
