namespace Slipway.Dockerfile.Diagnostics;

/// <summary>"did you mean …?" hints, as BuildKit's suggest package gives them: the closest option within an edit
/// distance of two.</summary>
internal static class Suggest
{
    public static string Hint(string value, IEnumerable<string> options, bool caseSensitive)
    {
        if (value.Length == 0)
        {
            return "";
        }

        var comparable = caseSensitive ? value : value.ToLowerInvariant();
        string? best = null;
        var score = 3;
        foreach (var option in options)
        {
            var candidate = caseSensitive ? option : option.ToLowerInvariant();
            if (candidate == comparable)
            {
                return "";
            }

            var distance = Distance(comparable, candidate);
            if (distance < score)
            {
                score = distance;
                best = option;
            }
        }

        return best is null ? "" : $" (did you mean {best}?)";
    }

    private static int Distance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            row[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            var prev = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var temp = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), prev + (a[i - 1] == b[j - 1] ? 0 : 1));
                prev = temp;
            }
        }

        return row[b.Length];
    }
}
