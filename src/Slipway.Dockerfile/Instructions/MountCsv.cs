using System.Globalization;
using System.Text;

namespace Slipway.Dockerfile.Instructions;

internal static class MountCsv
{
    /// <summary>One CSV record the way Go's encoding/csv reads it (double quotes, <c>""</c> inside quotes).</summary>
    public static bool TrySplitCsv(string s, out List<string> fields, out string error)
    {
        fields = [];
        error = "";
        if (s.Length == 0)
        {
            error = "EOF";
            return false;
        }

        var field = new StringBuilder();
        var i = 0;
        while (true)
        {
            field.Clear();
            if (i < s.Length && s[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= s.Length)
                    {
                        error = $"record on line 1; parse error on line 2, column 0: extraneous or missing \" in quoted-field";
                        return false;
                    }

                    if (s[i] == '"')
                    {
                        if (i + 1 < s.Length && s[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(s[i++]);
                }

                if (i < s.Length && s[i] != ',')
                {
                    error = string.Create(CultureInfo.InvariantCulture,
                        $"parse error on line 1, column {i + 1}: extraneous or missing \" in quoted-field");
                    return false;
                }
            }
            else
            {
                while (i < s.Length && s[i] != ',')
                {
                    if (s[i] == '"')
                    {
                        error = string.Create(CultureInfo.InvariantCulture,
                            $"parse error on line 1, column {i + 1}: bare \" in non-quoted-field");
                        return false;
                    }

                    field.Append(s[i++]);
                }
            }

            fields.Add(field.ToString());
            if (i >= s.Length)
            {
                return true;
            }

            i++; // the comma
        }
    }
}
