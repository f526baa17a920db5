namespace Slipway.Build.Context;

/// <summary>Reads a .dockerignore into patterns as moby's ignorefile.ReadAll does.</summary>
public static class IgnoreFile
{
    public static IReadOnlyList<string> Parse(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var patterns = new List<string>();
        var lines = content.Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].TrimEnd('\r');
            if (n == 0 && line.Length > 0 && line[0] == '\uFEFF')
            {
                line = line[1..];
            }

            // Only a # in column 0 starts a comment.
            if (line.StartsWith('#'))
            {
                continue;
            }

            var pattern = line.Trim();
            if (pattern.Length == 0)
            {
                continue;
            }

            var invert = pattern[0] == '!';
            if (invert)
            {
                pattern = pattern[1..].Trim();
            }

            if (pattern.Length > 0)
            {
                pattern = GoPath.Clean(pattern);
                if (pattern.Length > 1 && pattern[0] == '/')
                {
                    pattern = pattern[1..];
                }
            }

            patterns.Add(invert ? "!" + pattern : pattern);
        }

        return patterns;
    }
}
