using System.Text;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Instructions;
using Slipway.Dockerfile.Lint;
using Slipway.Dockerfile.Syntax;
using Slipway.Dockerfile.Tests.Conformance;
using Slipway.Testing;

namespace Slipway.Dockerfile.Tests.Fuzz;

/// <summary>Random and mutated Dockerfiles through the whole frontend (parse, instructions, stage graph, linter, JSON,
/// diagnostics): nothing may throw, nothing may hang. Seeded and deterministic, bounded in inputs and in time (see
/// <see cref="FuzzLoop"/> for longer runs). Every input that ever failed is kept in TestData/FuzzCrashes and replayed.</summary>
public class FrontendFuzzTests
{
    private static readonly string[] Tokens =
    [
        "\\\n", "\\", "`\n", "`", "<<EOF", "<<-EOF", "<<'EOF'", "3<<EOF", "\nEOF\n", "EOF", "\"", "'", "[", "]", "[\"a\", \"b\"]",
        "--", "--from=", "--mount=", "type=cache,", "type=secret,", "target=/x", "from=", ",", "=", "${", "}", "$", "${A:-b}",
        "${A:?}", "#", "# escape=`\n", "# syntax=x\n", "# check=skip=all\n", "\n", "\n\n", " ", "\t", "\r\n", "\uFEFF",
        "ONBUILD ", "FROM ", "FROM a AS b\n", "RUN ", "COPY ", "ADD ", "ENV ", "ARG ", "LABEL ", "HEALTHCHECK ", "CMD ",
        "SHELL ", "EXPOSE ", "VOLUME ", "USER ", "WORKDIR ", "STOPSIGNAL ", "MAINTAINER ", "ENTRYPOINT ", "NONE", " AS ",
        "--interval=", "1h2m3.5s", "--retries=", "-1", "0", "9999999999999999999", "--network=", "--security=", "--link",
        "--chmod=", "--platform=$BUILDPLATFORM ", "é", "😀", "\u0000", "\ud800", "{}", "{\"syntax\":\"x\"}",
        "\\\r\n", "\\ \n", "<<EOT\n", "\nEOT\n", "<<\"EOF\"", "${A:+x}", "${A/b/c}", "${A%%.*}", "${#A}", "${A",
        "# check=error=true\n", "--chown=", "--exclude=", "--parents", "--keep-git-dir", "--checksum=", "\u202e", "\uFFFD", "ß",
    ];

    [Fact]
    public async Task No_input_makes_the_frontend_throw_or_hang()
    {
        var corpus = Corpus();
        var fuzz = FuzzLoop.FromEnvironment(seed: 20_260_821, iterations: 100_000, budget: TimeSpan.FromSeconds(20));
        await fuzz.RunAsync(
            random => (Input: Generate(random, corpus), Choice: random.Next()),
            input => Exercise(input.Input, new Random(input.Choice)),
            input => GoQuote.Quote(input.Input));
    }

    [Theory]
    [MemberData(nameof(Crashes))]
    public void An_input_that_once_failed_goes_through(string name) =>
        Exercise(File.ReadAllText(Path.Join(FuzzLoop.CrashFolder("Slipway.Dockerfile.Tests"), name)), new Random(0));

    public static TheoryData<string> Crashes() => FuzzLoop.Crashes("Slipway.Dockerfile.Tests");

    private static string Generate(Random random, List<string> corpus) => random.Next(10) switch
    {
        0 => Random(random),
        1 => MutateBytes(random, corpus[random.Next(corpus.Count)]),
        2 => MutateLines(random, corpus),
        _ => Mutate(random, corpus),
    };

    private static void Exercise(string input, Random random)
    {
        var document = DockerfileDocument.Parse(input);
        _ = SyntaxTreeJson.Serialize(document.Syntax);
        _ = NodeDump.Dump(document.Syntax.Children);
        _ = DiagnosticFormatter.FormatAll(document.Diagnostics, document.Syntax.SourceLines);
        var names = document.Instructions.Instructions.OfType<FromInstruction>().Select(f => f.StageName).ToList();
        var target = names.Count > 0 && random.Next(3) == 0 ? names[random.Next(names.Count)] ?? "0" : null;
        var graph = document.BuildGraph(new StageGraphOptions
        {
            Target = target,
            BuildArgs = new Dictionary<string, string> { ["A"] = "x y", ["BASE"] = "" },
        });
        _ = DiagnosticFormatter.FormatAll(graph.Diagnostics, document.Syntax.SourceLines);
        var report = Linter.Run(document, new LintFacts
        {
            Target = target,
            HasDockerignore = random.Next(2) == 0,
            ContextTopLevel = new HashSet<string>(["package.json", "src", ".git"], StringComparer.Ordinal),
            IsIgnored = path => path.StartsWith(".git", StringComparison.Ordinal),
            BuildArgs = random.Next(8) == 0
                ? new Dictionary<string, string> { [CheckConfig.BuildArgName] = "skip=JSONArgsRecommended;error=true" }
                : new Dictionary<string, string> { ["A"] = "x y" },
        });
        _ = LintFormatter.Text(report, document.Syntax.SourceLines);
    }

    /// <summary>Bytes flipped, dropped or inserted in the UTF-8 text, read back as a file is (invalid sequences become
    /// U+FFFD).</summary>
    private static string MutateBytes(Random random, string text)
    {
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(text));
        var edits = 1 + random.Next(8);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(bytes.Count + 1);
            switch (random.Next(3))
            {
                case 0 when at < bytes.Count:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when at < bytes.Count:
                    bytes.RemoveAt(at);
                    break;
                default:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    /// <summary>Whole lines dropped, repeated, swapped, or taken from another file.</summary>
    private static string MutateLines(Random random, List<string> corpus)
    {
        var lines = corpus[random.Next(corpus.Count)].Split('\n').ToList();
        var edits = 1 + random.Next(4);
        for (var e = 0; e < edits && lines.Count > 0; e++)
        {
            var at = random.Next(lines.Count);
            switch (random.Next(4))
            {
                case 0:
                    lines.RemoveAt(at);
                    break;
                case 1:
                    lines.InsertRange(at, Enumerable.Repeat(lines[at], 1 + random.Next(3)));
                    break;
                case 2:
                    var other = random.Next(lines.Count);
                    (lines[at], lines[other]) = (lines[other], lines[at]);
                    break;
                default:
                    var donor = corpus[random.Next(corpus.Count)].Split('\n');
                    lines.Insert(at, donor[random.Next(donor.Length)]);
                    break;
            }
        }

        return string.Join('\n', lines);
    }

    private static string Mutate(Random random, List<string> corpus)
    {
        var text = new StringBuilder(corpus[random.Next(corpus.Count)]);
        var edits = 1 + random.Next(6);
        for (var e = 0; e < edits; e++)
        {
            var at = text.Length == 0 ? 0 : random.Next(text.Length + 1);
            switch (random.Next(5))
            {
                case 0:
                    text.Insert(at, Tokens[random.Next(Tokens.Length)]);
                    break;
                case 1 when text.Length > 0:
                    text.Remove(Math.Min(at, text.Length - 1), Math.Min(1 + random.Next(8), text.Length - Math.Min(at, text.Length - 1)));
                    break;
                case 2:
                    // Splice a line from another corpus file.
                    var other = corpus[random.Next(corpus.Count)].Split('\n');
                    text.Insert(at, other[random.Next(other.Length)] + "\n");
                    break;
                case 3:
                    text.Insert(at, (char)random.Next(0x20, 0x7f));
                    break;
                default:
                    if (text.Length > 0)
                    {
                        var from = random.Next(text.Length);
                        var len = Math.Min(random.Next(40), text.Length - from);
                        text.Insert(at, text.ToString(from, len));
                    }

                    break;
            }
        }

        return text.Length > 8000 ? text.ToString(0, 8000) : text.ToString();
    }

    private static string Random(Random random)
    {
        var sb = new StringBuilder();
        var count = random.Next(1, 30);
        for (var i = 0; i < count; i++)
        {
            sb.Append(Tokens[random.Next(Tokens.Length)]);
        }

        return sb.ToString();
    }

    private static List<string> Corpus()
    {
        var corpus = new List<string> { "FROM alpine\n", "" };
        var roots = new List<string>();
        if (ConformanceFolder.Root is { } conformance)
        {
            roots.Add(Path.Join(conformance, "parser"));
            roots.Add(Path.Join(conformance, "parser-negative"));
            roots.Add(Path.Join(conformance, "parser-extra"));
        }

        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Join(dir.FullName, "Slipway.slnx")))
        {
            dir = dir.Parent;
        }

        if (dir is not null)
        {
            roots.Add(Path.Join(dir.FullName, "tests", "Slipway.Dockerfile.Tests", "TestData"));
            roots.Add(Path.Join(dir.FullName, "examples"));
        }

        foreach (var root in roots.Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(root, "Dockerfile*", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith(".dockerignore", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                corpus.Add(File.ReadAllText(file));
            }
        }

        corpus.AddRange(Directory.EnumerateFiles(FuzzLoop.CrashFolder("Slipway.Dockerfile.Tests")).Order(StringComparer.Ordinal)
            .Select(File.ReadAllText));

        return corpus;
    }
}
