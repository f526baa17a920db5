using System.CommandLine;
using System.Text.RegularExpressions;

namespace Slipway.Cli.Tests.Help;

/// <summary>docs/build-flags.md lists every flag of <c>docker buildx build</c> with its status in Slipway; these keep the
/// table and <c>slipway build</c>'s options telling the same story.</summary>
public sealed partial class BuildFlagsTableTests
{
    /// <summary>buildx v0.36's flags (docs/reference/buildx_build.md): the table lists each one.</summary>
    private static readonly string[] BuildxFlags =
    [
        "--add-host", "--allow", "--annotation", "--attest", "--build-arg", "--build-context", "--builder", "--cache-from", "--cache-to",
        "--call", "--cgroup-parent", "--check", "--debug", "--file", "--iidfile", "--label", "--load", "--metadata-file", "--network",
        "--no-cache", "--no-cache-filter", "--output", "--platform", "--policy", "--progress", "--provenance", "--pull", "--push", "--quiet",
        "--resource", "--sbom", "--secret", "--shm-size", "--ssh", "--tag", "--target", "--ulimit",
    ];

    private static readonly string[] Statuses = ["supported", "accepted and ignored", "not supported"];

    private static string Page => File.ReadAllText(Path.Join(Slipway.Testing.Conformance.RepositoryRoot(), "docs", "build-flags.md"));

    [GeneratedRegex(@"^\| (?<flags>`[^|]+`) \| (?<status>[^|]+?) \|", RegexOptions.Multiline)]
    private static partial Regex Row();

    [GeneratedRegex("--[a-z-]+")]
    private static partial Regex LongName();

    /// <summary>Each row's long flag name and its second cell (the status, or what one of Slipway's own flags does).</summary>
    private static Dictionary<string, string> Rows(string section)
    {
        var text = Page;
        var start = text.IndexOf(section, StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/build-flags.md has no section \"{section}\"");
        var next = text.IndexOf("\n## ", start + section.Length, StringComparison.Ordinal);
        var body = next < 0 ? text[start..] : text[start..next];
        return Row().Matches(body).ToDictionary(m => LongName().Match(m.Groups["flags"].Value).Value, m => m.Groups["status"].Value.Trim(), StringComparer.Ordinal);
    }

    /// <summary>The long names <c>slipway build</c> answers to: its own options and the global ones.</summary>
    private static HashSet<string> BuildOptions()
    {
        var root = SlipwayApp.Create(new FakeEnvironment());
        var build = root.Subcommands.Single(c => c.Name == "build");
        return build.Options.Concat(root.Options.Where(o => o.Recursive))
            .Where(o => !o.Hidden && o is not System.CommandLine.Help.HelpOption)
            .Select(o => o.Name)
            .ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public void The_table_lists_every_buildx_flag_once_with_a_known_status()
    {
        var rows = Rows("## buildx's flags");
        Assert.Equal(BuildxFlags.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        Assert.All(rows, row => Assert.Contains(row.Value, Statuses));
    }

    [Fact]
    public void A_flag_marked_supported_or_accepted_is_an_option_of_build_and_one_marked_not_supported_is_not()
    {
        var options = BuildOptions();
        foreach (var (flag, status) in Rows("## buildx's flags"))
        {
            var has = options.Contains(flag);
            Assert.True(has == (status != "not supported"),
                $"docs/build-flags.md says {flag} is \"{status}\" but slipway build {(has ? "has" : "does not have")} it: update the table");
        }
    }

    [Fact]
    public void Every_option_of_build_is_in_one_of_the_tables()
    {
        var listed = Rows("## buildx's flags").Keys.Concat(Rows("## Slipway's own flags").Keys).ToHashSet(StringComparer.Ordinal);
        Assert.All(BuildOptions(), option => Assert.True(listed.Contains(option), $"{option} is missing from docs/build-flags.md"));
    }
}
