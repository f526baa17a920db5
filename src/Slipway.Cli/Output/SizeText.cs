using System.Globalization;
using Slipway.Insight;

namespace Slipway.Cli.Output;

/// <summary>The size report as text for a terminal: summary, layer table, the worst waste, the largest files
/// and directories; or two images side by side.</summary>
internal static class SizeText
{
    public static string Render(SizeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var w = new StringWriter(CultureInfo.InvariantCulture);
        var id = report.Id.StartsWith("sha256:", StringComparison.Ordinal) ? report.Id[7..19] : report.Id;
        w.WriteLine($"Image:       {report.Image} ({id})");
        w.WriteLine($"Size:        {S(report.CompressedSize)} compressed, {S(report.FinalBytes)} in {report.FileCount} files");
        w.WriteLine($"Added:       {S(report.AddedBytes)} by {report.Layers.Count} layers");
        w.WriteLine($"Wasted:      {S(report.WastedBytes)} in {report.WastedFileCount} files (added, then overwritten or deleted by a later layer)");
        w.WriteLine($"Efficiency:  {P(report.Efficiency)}");
        w.WriteLine();
        Table.Write(w, ["LAYER", "CONTENT", "COMPRESSED", "WASTED", "FILES", "CREATED BY"],
            report.Layers.Select(l => (IReadOnlyList<string>)
                [N(l.Index), S(l.ContentSize), S(l.CompressedSize), S(l.WastedSize), N(l.Files), SizeReport.ShortInstruction(l.CreatedBy, 80)]));
        if (report.Wasted.Count > 0)
        {
            w.WriteLine();
            w.WriteLine($"Wasted bytes (largest {report.Wasted.Count} of {report.WastedFileCount} files):");
            Table.Write(w, ["SIZE", "PATH", "ADDED BY", "REMOVED BY"],
                report.Wasted.Select(f => (IReadOnlyList<string>)
                    [S(f.Size), f.Path, $"layer {f.AddedBy}", $"layer {f.RemovedBy} ({(f.Kind == WasteKind.Deleted ? "deleted" : "overwritten")})"]));
        }

        if (report.LargestFiles.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("Largest files:");
            Table.Write(w, ["SIZE", "LAYER", "PATH"], report.LargestFiles.Select(f => (IReadOnlyList<string>)[S(f.Size), N(f.Layer), f.Path]));
        }

        if (report.LargestDirectories.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("Largest directories:");
            Table.Write(w, ["SIZE", "PATH"], report.LargestDirectories.Select(d => (IReadOnlyList<string>)[S(d.Size), d.Path]));
        }

        return w.ToString();
    }

    public static string Render(SizeComparison c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var w = new StringWriter(CultureInfo.InvariantCulture);
        var (a, b) = (c.Baseline, c.Other);
        Table.Write(w, ["", a.Image, b.Image, "SAVING"],
        [
            ["Size (compressed)", S(a.CompressedSize), S(b.CompressedSize), Saving(c.CompressedSaving, c.CompressedSavingPercent)],
            ["Files (uncompressed)", S(a.FinalBytes), S(b.FinalBytes), Saving(c.ContentSaving, c.ContentSavingPercent)],
            ["File count", N(a.FileCount), N(b.FileCount), ""],
            ["Layers", N(a.Layers.Count), N(b.Layers.Count), ""],
            ["Wasted", S(a.WastedBytes), S(b.WastedBytes), ""],
            ["Efficiency", P(a.Efficiency), P(b.Efficiency), ""],
        ]);
        w.WriteLine();
        w.WriteLine(c.CompressedSaving >= 0
            ? $"{b.Image} is {S(c.CompressedSaving)} ({Pct(c.CompressedSavingPercent)}) smaller than {a.Image}"
            : $"{b.Image} is {S(-c.CompressedSaving)} ({Pct(-c.CompressedSavingPercent)}) larger than {a.Image}");
        return w.ToString();
    }

    private static string Saving(long bytes, double percent) =>
        bytes >= 0 ? $"{S(bytes)} ({Pct(percent)})" : $"-{S(-bytes)} ({Pct(percent)})";

    private static string S(long bytes) => Store.ByteSize.Format(bytes);

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string P(double ratio) => Pct(ratio * 100);

    private static string Pct(double percent) => string.Create(CultureInfo.InvariantCulture, $"{percent:0.0}%");
}
