using System.Diagnostics;
using System.Globalization;
using System.Text;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Instructions;
using Slipway.Dockerfile.Syntax;
using Slipway.Dockerfile.Tests.Conformance;

namespace Slipway.Dockerfile.Tests.Fuzz;

/// <summary>Random and mutated Dockerfiles through the whole frontend (parse, instructions, stage graph, JSON,
/// diagnostics): nothing may throw. Seeded and deterministic. Longer runs:
/// <c>SLIPWAY_FUZZ_ITERATIONS=2000000 SLIPWAY_FUZZ_SEED=7 dotnet test tests/Slipway.Dockerfile.Tests --filter Fuzz</c>.</summary>
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
    ];

    [Fact]
    public void No_input_makes_the_frontend_throw()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("SLIPWAY_FUZZ_ITERATIONS"),
            NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 100_000;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SLIPWAY_FUZZ_SEED"),
            NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 20_260_821;
        var corpus = Corpus();
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            var input = random.Next(10) == 0 ? Random(random) : Mutate(random, corpus);
            try
            {
                Exercise(input, random);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"seed {seed}, iteration {i}: {e.GetType().Name}: {e.Message}\ninput: {GoQuote.Quote(input)}\n{e}");
            }
        }

        TestContext.Current.SendDiagnosticMessage($"{iterations} inputs in {clock.Elapsed.TotalSeconds:F1}s");
    }

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
        }

        foreach (var root in roots.Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(root, "Dockerfile", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                corpus.Add(File.ReadAllText(file));
            }
        }

        return corpus;
    }
}
