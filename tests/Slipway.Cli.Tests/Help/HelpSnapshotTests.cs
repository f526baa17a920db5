using System.CommandLine;

namespace Slipway.Cli.Tests.Help;

/// <summary>Every command's <c>--help</c>, <c>slipway --help</c> included, against an approved copy under
/// <c>Help/approved/</c>: a changed option, description or default shows up in review as a changed file. On a
/// difference the test writes <c>NAME.received.txt</c> beside the approved one and fails; run the tests with
/// <c>SLIPWAY_APPROVE=1</c> to accept what they print.</summary>
public sealed class HelpSnapshotTests
{
    private static string Approved => Path.Join(Slipway.Testing.Conformance.RepositoryRoot(), "tests", "Slipway.Cli.Tests", "Help", "approved");

    private static bool Approving => Environment.GetEnvironmentVariable("SLIPWAY_APPROVE") == "1";

    /// <summary>Every command line that names a command: "" for the root, "build", "dockerfile parse".</summary>
    private static List<string> CommandPaths()
    {
        var paths = new List<string>();
        void Walk(Command command, string path)
        {
            paths.Add(path);
            foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
            {
                Walk(sub, path.Length == 0 ? sub.Name : $"{path} {sub.Name}");
            }
        }

        Walk(SlipwayApp.Create(new FakeEnvironment()), "");
        return paths;
    }

    public static TheoryData<string> Commands() => [.. CommandPaths()];

    private static string FileName(string command) => (command.Length == 0 ? "slipway" : command.Replace(' ', '-')) + ".txt";

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_matches_the_approved_text(string command)
    {
        var env = new FakeEnvironment();
        Assert.Equal(0, await SlipwayApp.RunAsync([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"], env));
        // The root command is named after the running executable: the test host here, slipway in the binary.
        var help = env.Out.ToString().ReplaceLineEndings("\n").Replace(RootCommand.ExecutableName, "slipway", StringComparison.Ordinal);
        var approved = Path.Join(Approved, FileName(command));
        var received = Path.ChangeExtension(approved, ".received.txt");

        if (Approving)
        {
            await File.WriteAllTextAsync(approved, help, TestContext.Current.CancellationToken);
            File.Delete(received);
            return;
        }

        var expected = File.Exists(approved) ? (await File.ReadAllTextAsync(approved, TestContext.Current.CancellationToken)).ReplaceLineEndings("\n") : null;
        if (expected == help)
        {
            File.Delete(received);
            return;
        }

        await File.WriteAllTextAsync(received, help, TestContext.Current.CancellationToken);
        Assert.Fail($"`slipway {command} --help` differs from {approved}: see `diff {approved} {received}`; "
            + "if the new text is right, run the tests with SLIPWAY_APPROVE=1 to approve it.");
    }

    [Fact]
    public void Every_approved_file_belongs_to_a_command()
    {
        var expected = CommandPaths().Select(FileName).ToHashSet(StringComparer.Ordinal);

        var stale = Directory.EnumerateFiles(Approved, "*.txt")
            .Select(Path.GetFileName)
            .Where(name => !name!.EndsWith(".received.txt", StringComparison.Ordinal) && !expected.Contains(name!))
            .ToList();

        Assert.Empty(stale);
    }
}
