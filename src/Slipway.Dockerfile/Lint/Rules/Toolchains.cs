using System.Text.RegularExpressions;

namespace Slipway.Dockerfile.Lint.Rules;

/// <summary>Data for <see cref="FinalStageIsToolchain"/>: images that exist to compile, and packages that are
/// compilers. Language runtimes (node, python, ruby, a JRE) are not here: shipping one is how those apps run.</summary>
internal static partial class Toolchains
{
    /// <summary>Image repository paths (without a registry; docker.io's without <c>library/</c>) that are build
    /// toolchains, with the tags that make them one (null: every tag). Any registry serving the path matches.</summary>
    public static readonly IReadOnlyList<(string Path, Regex? Tag)> Images =
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
        ("dotnet/sdk", null),
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

    /// <summary>A path a compiler lives at in a toolchain image: the Go, Rust and JDK trees, or a compiler binary in a
    /// bin directory (gcc's cc1 under /usr/lib/gcc or /usr/libexec/gcc).</summary>
    public static bool IsCompilerPath(string path) => CompilerPath().IsMatch(path.TrimEnd('/'));

    [GeneratedRegex(@"\A/usr/local/(?:go|cargo|rustup)(?:/|\z)|\A/usr/lib/jvm/[^/]*jdk|/bin/(?:go|gcc|g\+\+|cc|c\+\+|clang|clang\+\+|javac|rustc|cargo)\z|/gcc/.*/cc1(?:plus)?\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex CompilerPath();

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
