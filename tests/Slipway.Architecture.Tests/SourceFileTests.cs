namespace Slipway.Architecture.Tests;

/// <summary>House rules every file under src keeps: short enough to read whole, and in the namespace its folder names.</summary>
public sealed class SourceFileTests
{
    private const int MaxLines = 400;

    [Fact]
    public void No_source_file_is_over_400_lines()
    {
        var tooLong = SourceTree.Projects.SelectMany(p => p.Files).Where(f => f.Lines > MaxLines)
            .Select(f => $"{f.Display}: {f.Lines} lines").ToList();

        Assert.True(tooLong.Count == 0, $"over {MaxLines} lines:\n" + string.Join('\n', tooLong));
    }

    [Fact]
    public void Every_namespace_is_its_folder()
    {
        // Top-level statements (the CLI's entry point) have no namespace to declare.
        var wrong = SourceTree.Projects.SelectMany(p => p.Files)
            .Where(f => f.Namespace != f.FolderNamespace && !(f.Namespace.Length == 0 && Path.GetFileName(f.RelativePath) == "Program.cs"))
            .Select(f => $"{f.Display}: namespace {(f.Namespace.Length == 0 ? "(none)" : f.Namespace)}, folder says {f.FolderNamespace}").ToList();

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }
}
