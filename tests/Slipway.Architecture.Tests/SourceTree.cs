using System.Text.RegularExpressions;
using System.Xml.Linq;
using Slipway.Testing;

namespace Slipway.Architecture.Tests;

/// <summary>One C# file under src: where it is, the namespace it declares and its code with comments and string
/// literals blanked (so a name inside a message or a doc comment is not a dependency).</summary>
public sealed record SourceFile(string Project, string RelativePath, string Namespace, string Code, int Lines)
{
    /// <summary>The namespace its folder says it must declare: the project, then each folder below it.</summary>
    public string FolderNamespace
    {
        get
        {
            var folder = Path.GetDirectoryName(RelativePath) ?? "";
            return folder.Length == 0 ? Project : Project + "." + folder.Replace('/', '.');
        }
    }

    /// <summary>The path shown in a failure: src/Project/Folder/File.cs.</summary>
    public string Display => $"src/{Project}/{RelativePath}";
}

/// <summary>A project under src: its name, the projects its csproj references and its C# files.</summary>
public sealed record SourceProject(string Name, IReadOnlyList<string> References, IReadOnlyList<SourceFile> Files);

/// <summary>Reads src/*/*.csproj and the C# files beside them, skipping bin and obj.</summary>
public static partial class SourceTree
{
    public static string Root { get; } = Conformance.RepositoryRoot();

    private static readonly Lazy<IReadOnlyList<SourceProject>> Loaded = new(Load);

    public static IReadOnlyList<SourceProject> Projects => Loaded.Value;

    private static List<SourceProject> Load()
    {
        var projects = new List<SourceProject>();
        foreach (var csproj in Directory.GetFiles(Path.Join(Root, "src"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var dir = Path.GetDirectoryName(csproj)!;
            var name = Path.GetFileNameWithoutExtension(csproj);
            var references = XDocument.Load(csproj).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
                .Order(StringComparer.Ordinal).ToList();
            var files = Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(dir, f))
                .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(f => Read(name, dir, f))
                .ToList();
            projects.Add(new SourceProject(name, references, files));
        }

        return projects;
    }

    private static SourceFile Read(string project, string dir, string relative)
    {
        var text = File.ReadAllText(Path.Join(dir, relative));
        var code = CodeText.Blank(text);
        var ns = NamespaceLine().Match(code) is { Success: true } m ? m.Groups[1].Value : "";
        var lines = text.Length == 0 ? 0 : text.Count(c => c == '\n') + (text.EndsWith('\n') ? 0 : 1);
        return new SourceFile(project, relative, ns, code, lines);
    }

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)\s*[;{]", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();
}
