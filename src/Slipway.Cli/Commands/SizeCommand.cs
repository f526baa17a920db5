using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Slipway.Cli.Output;
using Slipway.Insight;
using Slipway.Store.Images;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway size IMAGE [--compare OTHER] [--format text|json|html] [-o FILE]</c> with CI gates: where an
/// image's bytes are. The analysis lives in Slipway.Insight; this renders it and sets the exit code.</summary>
internal static class SizeCommand
{
    /// <summary>The exit code when a gate fails (1 stays for errors).</summary>
    public const int GateFailed = 2;

    public static Command Create(GlobalOptions globals, ICliEnvironment env)
    {
        var image = new Argument<string>("IMAGE") { Description = "The image: a name or an id" };
        var compare = new Option<string?>("--compare") { Description = "Compare with another image (e.g. the multi-stage build of the same app)", HelpName = "OTHER" };
        var format = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "text", HelpName = "text|json|html" };
        format.AcceptOnlyFromAmong("text", "json", "html");
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to FILE instead of standard output", HelpName = "FILE" };
        var top = new Option<int>("--top") { Description = "Rows in the wasted, largest-files and largest-directories lists", DefaultValueFactory = _ => 10 };
        var maxSize = new Option<string?>("--max-size") { Description = "Fail (exit 2) when the image (compressed, as 'slipway images' shows it) is larger", HelpName = "SIZE" };
        var maxWasted = new Option<string?>("--max-wasted") { Description = "Fail (exit 2) when more bytes are wasted (added, then hidden by a later layer)", HelpName = "SIZE" };
        var minEfficiency = new Option<double?>("--min-efficiency") { Description = "Fail (exit 2) when the efficiency (final bytes / bytes added) is lower, e.g. 0.9", HelpName = "RATIO" };
        var platform = new Option<string?>("--platform") { Description = "Analyse the given platform of a multi-platform image (default: the host's)" };
        var command = new Command("size", "Show where an image's bytes are: layers, wasted bytes, largest files")
        {
            image, compare, format, output, top, maxSize, maxWasted, minEfficiency, platform,
        };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var gates = new SizeGates
            {
                MaxSize = ParseSize(parse.GetValue(maxSize), "--max-size"),
                MaxWasted = ParseSize(parse.GetValue(maxWasted), "--max-wasted"),
                MinEfficiency = parse.GetValue(minEfficiency),
            };
            var options = new SizeAnalysisOptions { Top = parse.GetValue(top) };
            var wanted = CommandContext.PlatformOrNull(parse.GetValue(platform));
            var report = await AnalyzeAsync(ctx, parse.GetValue(image)!, wanted, options, token).ConfigureAwait(false);
            var other = parse.GetValue(compare) is { } name ? await AnalyzeAsync(ctx, name, wanted, options, token).ConfigureAwait(false) : null;
            var comparison = other is null ? null : new SizeComparison(report, other);
            var text = parse.GetValue(format) switch
            {
                "json" => comparison is null
                    ? JsonSerializer.Serialize(report, InsightJsonContext.Default.SizeReport) + "\n"
                    : JsonSerializer.Serialize(comparison, InsightJsonContext.Default.SizeComparison) + "\n",
                "html" => comparison is null ? SizeHtml.Render(report) : SizeHtml.Render(comparison),
                _ => comparison is null ? SizeText.Render(report) : SizeText.Render(comparison),
            };
            if (parse.GetValue(output) is { } file && file != "-")
            {
                await File.WriteAllTextAsync(file, text, token).ConfigureAwait(false);
            }
            else
            {
                ctx.Env.Out.Write(text);
            }

            return CheckGates(ctx.Env.Error, gates, report);
        }, ct));
        return command;
    }

    /// <summary>Finds and analyses one image (of an index, the one for <paramref name="platform"/>, by default the
    /// host's); the report names it as the user wrote it.</summary>
    public static async Task<SizeReport> AnalyzeAsync(CommandContext ctx, string nameOrId, Oci.Platform? platform, SizeAnalysisOptions options,
        CancellationToken cancellationToken)
    {
        var (_, image) = await ctx.Images.FindAsync(nameOrId, platform, cancellationToken).ConfigureAwait(false);
        return await ImageSizeAnalyzer.AnalyzeAsync(ctx.Store.Blobs, nameOrId, image, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Prints each crossed gate and returns <see cref="GateFailed"/>, or 0 when all pass.</summary>
    public static int CheckGates(TextWriter error, SizeGates gates, SizeReport report)
    {
        var failures = gates.Check(report);
        foreach (var failure in failures)
        {
            ErrorRenderer.Fail(error, $"size gate failed: {failure}");
        }

        return failures.Count == 0 ? 0 : GateFailed;
    }

    private static long? ParseSize(string? value, string option)
    {
        if (value is null)
        {
            return null;
        }

        return SizeLimit.TryParse(value, out var bytes)
            ? bytes
            : throw new ImageException(string.Create(CultureInfo.InvariantCulture, $"invalid {option} \"{value}\" (e.g. 100MB, 1.5GiB, 500k)"));
    }
}
