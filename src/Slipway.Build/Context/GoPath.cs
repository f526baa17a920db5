namespace Slipway.Build.Context;

/// <summary>Go's <c>path.Clean</c> and <c>path/filepath.Match</c> (Unix flavour), because .dockerignore
/// patterns mean exactly what these functions make of them in moby's patternmatcher.</summary>
public static class GoPath
{
    public const string BadPatternMessage = "syntax error in pattern";

    /// <summary>Lexical cleaning: collapses separators, removes <c>.</c>, resolves <c>..</c> lexically.</summary>
    public static string Clean(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            return ".";
        }

        var rooted = path[0] == '/';
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..")
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                else if (!rooted)
                {
                    parts.Add("..");
                }

                continue;
            }

            parts.Add(part);
        }

        var joined = string.Join('/', parts);
        if (rooted)
        {
            return "/" + joined;
        }

        return joined.Length == 0 ? "." : joined;
    }

    /// <summary>Go's <c>filepath.Dir</c> for slash paths.</summary>
    public static string Dir(string path)
    {
        var slash = path.LastIndexOf('/');
        return Clean(slash < 0 ? "." : path[..(slash + 1)]);
    }

    /// <summary>Go's <c>filepath.Match</c>. Returns false with <paramref name="badPattern"/> set when the pattern
    /// is malformed (Go's ErrBadPattern), which Go may detect only on some inputs.</summary>
    public static bool Match(string pattern, string name, out bool badPattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);
        badPattern = false;
        while (pattern.Length > 0)
        {
            var (star, chunk, rest) = ScanChunk(pattern);
            pattern = rest;
            if (star && chunk.Length == 0)
            {
                // A trailing * matches the rest of the name unless it has a /.
                return !name.Contains('/', StringComparison.Ordinal);
            }

            var (t, ok, err) = MatchChunk(chunk, name);
            if (ok && (t.Length == 0 || pattern.Length > 0))
            {
                name = t;
                continue;
            }

            if (err)
            {
                badPattern = true;
                return false;
            }

            var advanced = false;
            if (star)
            {
                for (var i = 0; i < name.Length && name[i] != '/'; i++)
                {
                    var (t2, ok2, err2) = MatchChunk(chunk, name[(i + 1)..]);
                    if (ok2)
                    {
                        if (pattern.Length == 0 && t2.Length > 0)
                        {
                            continue;
                        }

                        name = t2;
                        advanced = true;
                        break;
                    }

                    if (err2)
                    {
                        badPattern = true;
                        return false;
                    }
                }
            }

            if (advanced)
            {
                continue;
            }

            // Before answering no, check that the rest of the pattern is well-formed, as Go does.
            while (pattern.Length > 0)
            {
                var (_, c, r) = ScanChunk(pattern);
                pattern = r;
                if (MatchChunk(c, string.Empty).Error)
                {
                    badPattern = true;
                    return false;
                }
            }

            return false;
        }

        return name.Length == 0;
    }

    private static (bool Star, string Chunk, string Remainder) ScanChunk(string pattern)
    {
        var star = false;
        while (pattern.Length > 0 && pattern[0] == '*')
        {
            pattern = pattern[1..];
            star = true;
        }

        var inRange = false;
        var i = 0;
        for (; i < pattern.Length; i++)
        {
            var stop = false;
            switch (pattern[i])
            {
                case '\\':
                    if (i + 1 < pattern.Length)
                    {
                        i++;
                    }

                    break;
                case '[':
                    inRange = true;
                    break;
                case ']':
                    inRange = false;
                    break;
                case '*':
                    stop = !inRange;
                    break;
            }

            if (stop)
            {
                break;
            }
        }

        return (star, pattern[..i], pattern[i..]);
    }

    private static (string Remainder, bool Ok, bool Error) MatchChunk(string chunk, string s)
    {
        var failed = false;
        while (chunk.Length > 0)
        {
            if (!failed && s.Length == 0)
            {
                failed = true;
            }

            switch (chunk[0])
            {
                case '[':
                {
                    var r = '\0';
                    if (!failed)
                    {
                        r = s[0];
                        s = s[1..];
                    }

                    chunk = chunk[1..];
                    var negated = false;
                    if (chunk.Length > 0 && chunk[0] == '^')
                    {
                        negated = true;
                        chunk = chunk[1..];
                    }

                    var match = false;
                    var ranges = 0;
                    while (true)
                    {
                        if (chunk.Length > 0 && chunk[0] == ']' && ranges > 0)
                        {
                            chunk = chunk[1..];
                            break;
                        }

                        if (!GetEscaped(ref chunk, out var lo))
                        {
                            return (string.Empty, false, true);
                        }

                        var hi = lo;
                        if (chunk[0] == '-')
                        {
                            chunk = chunk[1..];
                            if (!GetEscaped(ref chunk, out hi))
                            {
                                return (string.Empty, false, true);
                            }
                        }

                        if (lo <= r && r <= hi)
                        {
                            match = true;
                        }

                        ranges++;
                    }

                    if (match == negated)
                    {
                        failed = true;
                    }

                    break;
                }

                case '?':
                    if (!failed)
                    {
                        if (s[0] == '/')
                        {
                            failed = true;
                        }

                        s = s[1..];
                    }

                    chunk = chunk[1..];
                    break;

                default:
                    if (chunk[0] == '\\')
                    {
                        chunk = chunk[1..];
                        if (chunk.Length == 0)
                        {
                            return (string.Empty, false, true);
                        }
                    }

                    if (!failed)
                    {
                        if (chunk[0] != s[0])
                        {
                            failed = true;
                        }

                        s = s[1..];
                    }

                    chunk = chunk[1..];
                    break;
            }
        }

        return failed ? (string.Empty, false, false) : (s, true, false);
    }

    private static bool GetEscaped(ref string chunk, out char r)
    {
        r = '\0';
        if (chunk.Length == 0 || chunk[0] == '-' || chunk[0] == ']')
        {
            return false;
        }

        if (chunk[0] == '\\')
        {
            chunk = chunk[1..];
            if (chunk.Length == 0)
            {
                return false;
            }
        }

        r = chunk[0];
        chunk = chunk[1..];
        return chunk.Length > 0;
    }
}
