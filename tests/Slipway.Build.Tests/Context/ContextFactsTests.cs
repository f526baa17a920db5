using Slipway.Build.Context;

namespace Slipway.Build.Tests.Context;

public sealed class ContextFactsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("slipway-facts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Dictionary<string, string> NoArgs = new(StringComparer.Ordinal);

    [Fact]
    public void A_context_without_an_ignore_file_says_so_and_lists_its_top()
    {
        Directory.CreateDirectory(Path.Join(_dir, "node_modules"));
        File.WriteAllText(Path.Join(_dir, "Dockerfile"), "FROM scratch\n");
        var facts = ContextFacts.Read(_dir, ContextIgnore.Read(_dir, Path.Join(_dir, "Dockerfile")), NoArgs, null);
        Assert.False(facts.HasDockerignore);
        Assert.Contains("node_modules", facts.ContextTopLevel);
        Assert.Null(facts.IsIgnored);
    }

    [Fact]
    public void The_dockerfiles_own_ignore_file_counts_and_answers_for_paths()
    {
        var dockerfile = Path.Join(_dir, "app.Dockerfile");
        File.WriteAllText(dockerfile, "FROM scratch\n");
        File.WriteAllText(dockerfile + ".dockerignore", "secrets/\n*.log\n!keep.log\n");
        var facts = ContextFacts.Read(_dir, ContextIgnore.Read(_dir, dockerfile), NoArgs, "final");
        Assert.True(facts.HasDockerignore);
        Assert.Equal("final", facts.Target);
        Assert.True(facts.IsIgnored!("secrets/key.pem"));
        Assert.True(facts.IsIgnored("debug.log"));
        Assert.False(facts.IsIgnored("keep.log"));
        Assert.False(facts.IsIgnored("main.go"));
    }
}
