using System.Text.RegularExpressions;

namespace Slipway.Dockerfile.Lint.Rules;

/// <summary>Data for <see cref="FinalStageIsToolchain"/>: images that exist to compile, and packages that are
/// compilers. Language runtimes (node, python, ruby, a JRE) are not here: shipping one is how those apps run.</summary>
internal static partial class Toolchains
{
    /// <summary>Image repositories (familiar path) that are build toolchains, with the tags that make them one
    /// (null: every tag).</summary>
    public static readonly IReadOnlyList<(string Repository, Regex? Tag)> Images =
    [
        ("golang", null),
        ("gcc", null),
        ("rust", null),
        ("maven", null),
        ("gradle", null),
        ("buildpack-deps", null),
        ("openjdk", null),
        ("eclipse-temurin", JdkTag()),
        ("amazoncorretto", null),
        ("swift", null),
        ("haskell", null),
        ("mcr.microsoft.com/dotnet/sdk", null),
        ("tinygo/tinygo", null),
        ("silkeh/clang", null),
    ];

    /// <summary>Packages whose installation puts a compiler in the image.</summary>
    public static readonly IReadOnlySet<string> CompilerPackages = new HashSet<string>(StringComparer.Ordinal)
    {
        "gcc", "g++", "clang", "build-essential", "build-base", "golang", "go", "rustc", "cargo", "gfortran",
        "default-jdk", "openjdk-17-jdk", "openjdk-21-jdk", "openjdk-11-jdk", "openjdk8", "openjdk11", "openjdk17",
        "openjdk21", "maven", "gradle", "dotnet-sdk-8.0", "dotnet-sdk-9.0", "gcc-c++", "musl-dev", "libc6-dev",
    };

    [GeneratedRegex("jdk", RegexOptions.CultureInvariant)]
    private static partial Regex JdkTag();

    /// <summary>The packages an <c>apt-get install</c>/<c>apt install</c>/<c>apk add</c>/<c>yum|dnf|microdnf install</c>
    /// in a shell script names.</summary>
    public static IEnumerable<string> InstalledPackages(string script)
    {
        foreach (Match m in InstallCommand().Matches(script))
        {
            foreach (var word in m.Groups["args"].Value.Split([' ', '\t', '\\', '\n'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (!word.StartsWith('-'))
                {
                    // name=version, name~version pin a version; the name is what matters.
                    yield return word.Split('=', '~')[0];
                }
            }
        }
    }

    [GeneratedRegex(@"\b(?:apt-get|apt|yum|dnf|microdnf)\s+(?:-\S+\s+)*install\b(?<args>[^;&|]*)|\bapk\s+(?:-\S+\s+)*add\b(?<args>[^;&|]*)",
        RegexOptions.CultureInvariant)]
    private static partial Regex InstallCommand();
}
