using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Slipway.Insight;

/// <summary>The size report as ONE self-contained HTML file: inline CSS, inline script, the data inline as JSON;
/// nothing is fetched. A squarified treemap of the final filesystem (drawn by the script, one element per
/// rectangle, coloured by the layer that brought it), a legend, the layer table and the waste list.</summary>
public static class SizeHtml
{
    public static string Render(SizeReport report) => Render([report], null);

    public static string Render(SizeComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        return Render([comparison.Baseline, comparison.Other], comparison);
    }

    /// <summary>The colour of layer <paramref name="index"/>; the script computes the same one.</summary>
    public static string LayerColor(int index) =>
        string.Create(CultureInfo.InvariantCulture, $"hsl({index * 137.508 % 360:0.#},62%,58%)");

    private static string Render(IReadOnlyList<SizeReport> reports, SizeComparison? comparison)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine("<!DOCTYPE html>");
        w.WriteLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        w.WriteLine($"<title>slipway size: {E(string.Join(" vs ", reports.Select(r => r.Image)))}</title>");
        w.WriteLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        w.WriteLine($"<style>{SizeHtmlAssets.Css}</style></head><body>");
        w.WriteLine("<h1>Where the bytes are</h1>");
        if (comparison is not null)
        {
            WriteComparison(w, comparison);
        }

        for (var i = 0; i < reports.Count; i++)
        {
            WriteReport(w, reports[i], i);
        }

        w.WriteLine("<div id=\"tip\" class=\"tip\" hidden></div>");
        w.WriteLine($"<script>{SizeHtmlAssets.Script}</script>");
        w.WriteLine("</body></html>");
        return w.ToString();
    }

    private static void WriteComparison(StringWriter w, SizeComparison c)
    {
        w.WriteLine("<section class=\"compare\"><h2>Comparison</h2><table><thead><tr><th></th>");
        w.WriteLine($"<th>{E(c.Baseline.Image)}</th><th>{E(c.Other.Image)}</th><th>saving</th></tr></thead><tbody>");
        Row(w, "Image size (compressed)", c.Baseline.CompressedSize, c.Other.CompressedSize, c.CompressedSaving, c.CompressedSavingPercent);
        Row(w, "Files (uncompressed)", c.Baseline.FinalBytes, c.Other.FinalBytes, c.ContentSaving, c.ContentSavingPercent);
        w.WriteLine($"<tr><td>Layers</td><td>{c.Baseline.Layers.Count}</td><td>{c.Other.Layers.Count}</td><td></td></tr>");
        w.WriteLine($"<tr><td>Wasted</td><td>{S(c.Baseline.WastedBytes)}</td><td>{S(c.Other.WastedBytes)}</td><td></td></tr>");
        w.WriteLine($"<tr><td>Efficiency</td><td>{P(c.Baseline.Efficiency)}</td><td>{P(c.Other.Efficiency)}</td><td></td></tr>");
        w.WriteLine("</tbody></table></section>");
    }

    private static void Row(StringWriter w, string label, long a, long b, long saving, double percent) =>
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"<tr><td>{label}</td><td>{S(a)}</td><td>{S(b)}</td><td>{(saving < 0 ? "-" : "")}{S(Math.Abs(saving))} ({percent:0.0}%)</td></tr>"));

    private static void WriteReport(StringWriter w, SizeReport r, int index)
    {
        w.WriteLine($"<section class=\"report\"><h2>{E(r.Image)}</h2>");
        w.WriteLine($"<p class=\"id\">{E(r.Id)}</p>");
        w.WriteLine("<div class=\"stats\">");
        Stat(w, "Image size", S(r.CompressedSize));
        Stat(w, "Files", S(r.FinalBytes));
        Stat(w, "Added by layers", S(r.AddedBytes));
        Stat(w, "Wasted", S(r.WastedBytes));
        Stat(w, "Efficiency", P(r.Efficiency));
        Stat(w, "Layers", r.Layers.Count.ToString(CultureInfo.InvariantCulture));
        w.WriteLine("</div>");

        w.WriteLine("<h3>Final filesystem</h3>");
        w.WriteLine($"<div class=\"treemap\" data-tree=\"tree-{index}\"></div>");
        w.WriteLine("<ul class=\"legend\">");
        foreach (var layer in r.Layers)
        {
            w.WriteLine($"<li><span class=\"swatch\" style=\"background:{LayerColor(layer.Index)}\"></span>layer {layer.Index}: {E(SizeReport.ShortInstruction(layer.CreatedBy, 70))}</li>");
        }

        w.WriteLine("</ul>");
        w.WriteLine("<h3>Layers</h3><table class=\"layers\"><thead><tr><th>#</th><th>Instruction</th><th>Files</th><th>Content</th><th>Compressed</th><th>Wasted later</th></tr></thead><tbody>");
        foreach (var l in r.Layers)
        {
            w.WriteLine($"<tr><td><span class=\"swatch\" style=\"background:{LayerColor(l.Index)}\"></span>{l.Index}</td>" +
                        $"<td class=\"cmd\" title=\"{E(l.CreatedBy ?? "")}\">{E(SizeReport.ShortInstruction(l.CreatedBy, 120))}</td><td>{l.Files}</td><td>{S(l.ContentSize)}</td>" +
                        $"<td>{S(l.CompressedSize)}</td><td>{S(l.WastedSize)}</td></tr>");
        }

        w.WriteLine("</tbody></table>");
        if (r.Wasted.Count > 0)
        {
            w.WriteLine($"<h3>Wasted: {S(r.WastedBytes)} in {r.WastedFileCount} files</h3>");
            w.WriteLine("<table class=\"wasted\"><thead><tr><th>Path</th><th>Size</th><th>Added by</th><th>Hidden by</th></tr></thead><tbody>");
            foreach (var f in r.Wasted)
            {
                var how = f.Kind == WasteKind.Deleted ? "deleted" : "overwritten";
                w.WriteLine($"<tr><td>{E(f.Path)}</td><td>{S(f.Size)}</td><td>layer {f.AddedBy}</td><td>layer {f.RemovedBy} ({how})</td></tr>");
            }

            w.WriteLine("</tbody></table>");
        }

        w.WriteLine($"<script type=\"application/json\" id=\"tree-{index}\">");
        w.WriteLine(JsonSerializer.Serialize(r.Tree ?? new TreeNode { Name = "/", Size = 0, Layer = 0 }, InsightJsonContext.Default.TreeNode));
        w.WriteLine("</script>");
        w.WriteLine($"<script type=\"application/json\" id=\"tree-{index}-layers\">");
        w.WriteLine(JsonSerializer.Serialize(r.Layers.Select(l => SizeReport.ShortInstruction(l.CreatedBy, 100)).ToArray(), InsightJsonContext.Default.StringArray));
        w.WriteLine("</script></section>");
    }

    private static void Stat(StringWriter w, string label, string value) =>
        w.WriteLine($"<div class=\"stat\"><div class=\"v\">{E(value)}</div><div class=\"k\">{E(label)}</div></div>");

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string S(long bytes) => Store.ByteSize.Format(bytes);

    private static string P(double ratio) => string.Create(CultureInfo.InvariantCulture, $"{ratio * 100:0.0}%");
}
