using System.Text;

namespace Slipway.Cli.Output;

/// <summary>One image of <c>images --tree</c>: its names (<c>repo:tag</c>), its details and a row per platform.</summary>
internal sealed record TreeImage(IReadOnlyList<string> Names, TreeDetails Details, IReadOnlyList<TreeChild> Children);

/// <summary>The columns of a row: ID (truncated when printed), DISK USAGE, CONTENT SIZE, and whether a container uses it.</summary>
internal sealed record TreeDetails(string Id, long DiskUsage, long ContentSize, bool InUse);

/// <summary>A platform of an image; <see cref="Available"/> is false when the store lacks its manifest (docker prints
/// such a row faint on a terminal, and the same text elsewhere).</summary>
internal sealed record TreeChild(string Platform, bool Available, TreeDetails Details);

/// <summary><c>docker image ls --tree</c> as docker 28 prints it to a pipe (plain, 80 columns): the experimental
/// warning, the legend right-aligned, a blank line, the header (IMAGE, ID, DISK USAGE, CONTENT SIZE, EXTRA), then per
/// image its names (all but the last on lines of their own, longest first), its details, and a <c>├─</c>/<c>└─</c> row
/// per platform, each image followed by a blank line (and one between an image and its platforms).</summary>
internal static class ImageTree
{
    public const string Warning = "WARNING: This is an experimental feature. The output may change and shouldn't be depended on.";

    private const int Spacing = 3;

    private enum Align
    {
        Left,
        Right,
    }

    private sealed record Column(string Title, int Width, Align Align, Func<TreeDetails, string>? Value);

    public static void Write(TextWriter output, IReadOnlyList<TreeImage> images, int width = 80)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(images);
        width = Math.Max(width, 20);
        var inUse = images.Any(i => i.Details.InUse || i.Children.Any(c => c.Details.InUse));
        output.WriteLine(Warning);
        // docker's legend: " Info -> " and each chip (" U In Use"), then a space, right-aligned.
        var legend = " Info -> " + " U In Use" + " ";
        output.WriteLine(new string(' ', Math.Max(width - legend.Length, 0)) + legend);
        output.WriteLine();

        var columns = new List<Column>
        {
            new("Image", 0, Align.Left, null),
            new("ID", 12, Align.Left, d => d.Id.StartsWith("sha256:", StringComparison.Ordinal) ? d.Id[7..Math.Min(d.Id.Length, 19)] : d.Id),
            new("Disk usage", 10, Align.Right, d => Units.HumanSize(d.DiskUsage)),
            new("Content size", 12, Align.Right, d => Units.HumanSize(d.ContentSize)),
            new("Extra", 5, Align.Left, d => inUse ? (d.InUse ? "U" : " ") : ""),
        };
        columns = Adjust(width, columns, images);

        var line = new StringBuilder();
        for (var i = 0; i < columns.Count; i++)
        {
            if (i > 0)
            {
                line.Append(' ', Spacing);
            }

            line.Append(Print(columns[i], columns[i].Title.ToUpperInvariant()));
        }

        output.WriteLine(line.ToString());
        var spacing = images.Any(i => i.Children.Count > 0);
        foreach (var image in images)
        {
            line.Clear();
            if (image.Names.Count == 0)
            {
                line.Append(Print(columns[0], "<untagged>"));
            }

            var longestFirst = image.Names.OrderByDescending(n => n.Length).ToList();
            for (var n = 0; n < longestFirst.Count; n++)
            {
                if (n < longestFirst.Count - 1)
                {
                    output.WriteLine(Ellipsis(longestFirst[n], width));
                }
                else
                {
                    line.Append(Print(columns[0], longestFirst[n]));
                }
            }

            Details(line, columns, image.Details);
            output.WriteLine(line.ToString());
            if (image.Children.Count > 0 || spacing)
            {
                output.WriteLine();
            }

            for (var c = 0; c < image.Children.Count; c++)
            {
                var child = image.Children[c];
                line.Clear();
                line.Append(Print(columns[0], (c == image.Children.Count - 1 ? "└─ " : "├─ ") + child.Platform));
                Details(line, columns, child.Details);
                output.WriteLine(line.ToString());
            }

            output.WriteLine();
        }
    }

    private static void Details(StringBuilder line, List<Column> columns, TreeDetails details)
    {
        foreach (var column in columns.Where(c => c.Value is not null))
        {
            line.Append(' ', Spacing).Append(Print(column, column.Value!(details)));
        }
    }

    /// <summary>docker's adjustColumns: columns that would leave the first narrower than 12 are dropped, and the first
    /// is as wide as its widest value (a platform counts <c>len("└─ ")</c>, 7 bytes in Go, as docker measures it).</summary>
    private static List<Column> Adjust(int width, List<Column> columns, IReadOnlyList<TreeImage> images)
    {
        var nameWidth = width;
        for (var i = 1; i < columns.Count; i++)
        {
            var d = columns[i].Width + Spacing;
            if (nameWidth - d < 12)
            {
                columns = columns[..i];
                break;
            }

            nameWidth -= d;
        }

        var widest = "Image".Length;
        foreach (var image in images)
        {
            widest = Math.Max(widest, image.Names.Select(n => Encoding.UTF8.GetByteCount(n)).DefaultIfEmpty(0).Max());
            widest = Math.Max(widest, image.Children.Select(c => c.Platform.Length + Encoding.UTF8.GetByteCount("└─ ")).DefaultIfEmpty(0).Max());
        }

        columns[0] = columns[0] with { Width = Math.Min(nameWidth, widest) };
        return columns;
    }

    private static string Print(Column column, string value)
    {
        var length = value.EnumerateRunes().Count();
        if (length > column.Width)
        {
            return Ellipsis(value, column.Width);
        }

        var fill = new string(' ', column.Width - length);
        return column.Align == Align.Right ? fill + value : value + fill;
    }

    /// <summary>docker's tui.Ellipsis: <paramref name="length"/> - 1 characters and an ellipsis when longer.</summary>
    private static string Ellipsis(string value, int length)
    {
        var runes = value.EnumerateRunes().ToList();
        return runes.Count < length ? value : string.Concat(runes.Take(length - 1).Select(r => r.ToString())) + "…";
    }
}
