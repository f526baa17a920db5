namespace Slipway.Cli.Output;

/// <summary>Columns padded like the docker CLI's tabwriter (padding 3 spaces; docker's list commands also give every
/// column a minimum width of 10, <c>tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)</c>). A line's last cell is not a
/// column and is never padded.</summary>
internal static class Table
{
    public static void Write(TextWriter output, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, int minWidth = 0)
    {
        var all = new List<IReadOnlyList<string>> { header };
        all.AddRange(rows);
        var widths = new int[all.Max(r => r.Count)];
        foreach (var row in all)
        {
            for (var i = 0; i < row.Count - 1; i++)
            {
                widths[i] = Math.Max(widths[i], Math.Max(row[i].Length + 3, minWidth));
            }
        }

        foreach (var row in all)
        {
            var cells = row.Select((cell, i) => i == row.Count - 1 ? cell : cell.PadRight(widths[i]));
            output.WriteLine(string.Concat(cells).TrimEnd());
        }
    }
}
