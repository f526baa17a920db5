using System.Globalization;

namespace Slipway.Build.Engine;

/// <summary>Compares a step's inputs with those of its last build and says, in words, what changed. Pure:
/// <see cref="StepHistory"/> supplies both sides; the solver handles "a parent step changed" and the other reasons
/// (<see cref="Solver.MissReason"/>).</summary>
public static class CacheExplainer
{
    /// <summary>How many files a message names before it says "+N more".</summary>
    public const int NamedFiles = 3;

    private const int ValueWidth = 60;

    /// <summary>The changes of a step's own inputs, most telling first; empty when none changed. Files compare on
    /// short fingerprints (the history keeps no more). <paramref name="ignoredNow"/> tells whether a file that
    /// disappeared is still in the context but excluded (by .dockerignore).</summary>
    public static List<string> Changes(
        IReadOnlyList<KeyValuePair<string, string>> before, IReadOnlyDictionary<string, string>? beforeFiles,
        IReadOnlyList<KeyValuePair<string, string>> now, IReadOnlyDictionary<string, string> nowFiles,
        Func<string, bool>? ignoredNow = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(now);
        ArgumentNullException.ThrowIfNull(nowFiles);
        var old = ToDictionary(before);
        var current = ToDictionary(now);
        var changes = new List<string>();
        var names = old.Keys.Union(current.Keys).Where(n => !old.TryGetValue(n, out var a) || !current.TryGetValue(n, out var b) || a != b).ToList();
        // What the line says is reported once its parts (flags, ARG and ENV values) have had their say: a flag
        // change also changes the text, and an ARG change the expanded text.
        foreach (var name in names.OrderBy(Rank).ThenBy(n => n, StringComparer.Ordinal))
        {
            old.TryGetValue(name, out var a);
            current.TryGetValue(name, out var b);
            var rank = Rank(name);
            if ((rank == 8 && changes.Count > 0 && names.Any(n => n.StartsWith("flag:", StringComparison.Ordinal))) || (rank == 9 && changes.Count > 0))
            {
                continue;
            }

            changes.Add(Describe(name, a, b));
        }

        if (beforeFiles is not null)
        {
            // A COPY --from=<stage> names its files by their absolute path in the stage (context paths are relative).
            var stage = current.GetValueOrDefault("flag:--from") ?? old.GetValueOrDefault("flag:--from");
            if (Files(beforeFiles, nowFiles, ignoredNow, stage) is { } files)
            {
                changes.Insert(changes.Count(c => !c.StartsWith("instruction", StringComparison.Ordinal)), files);
            }
        }
        else if (nowFiles.Count > 0 && changes.Count == 0)
        {
            changes.Add("context files changed (their previous list was not kept)");
        }

        return changes;
    }

    /// <summary>Whether a change is about the files of another stage: those follow from that stage's key when it
    /// changed, so the solver then says where the change began instead (parent step changed).</summary>
    public static bool IsStageChange(string change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.StartsWith("the files of stage ", StringComparison.Ordinal)
            || ((change.StartsWith("file /", StringComparison.Ordinal) || change.StartsWith("symlink /", StringComparison.Ordinal)
                    || (change.Length > 0 && char.IsAsciiDigit(change[0])))
                && change.Contains(StageFiles, StringComparison.Ordinal));
    }

    private const string StageFiles = " from stage ";

    private static Dictionary<string, string> ToDictionary(IReadOnlyList<KeyValuePair<string, string>> values)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            result[name] = value;
        }

        return result;
    }

    private static int Rank(string name) => name switch
    {
        "base" => 0,
        _ when name.StartsWith("image:", StringComparison.Ordinal) || name.StartsWith("stage:", StringComparison.Ordinal) => 1,
        _ when name.StartsWith("arg:", StringComparison.Ordinal) => 2,
        _ when name.StartsWith("env:", StringComparison.Ordinal) || name.StartsWith("sets:", StringComparison.Ordinal) => 3,
        _ when name.StartsWith("flag:", StringComparison.Ordinal) => 4,
        _ when name.StartsWith("url:", StringComparison.Ordinal) => 5,
        "platform" or "compression" => 6,
        "instruction" => 8,
        "expanded" => 9,
        _ => 7,
    };

    private static string Describe(string name, string? before, string? after)
    {
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        var (kind, what) = colon < 0 ? (name, "") : (name[..colon], name[(colon + 1)..]);
        return kind switch
        {
            "base" => $"base image changed: {ShortDigest(before)} → {ShortDigest(after)}",
            "image" => $"image {what} changed: {ShortDigest(before)} → {ShortDigest(after)}",
            "stage" => $"the files of stage {what} changed",
            "arg" => $"ARG {what} {Values(before, after)}",
            "env" or "sets" => $"ENV {what} {Values(before, after)}",
            "flag" => $"flag {what} {Values(before, after)}",
            "url" => after is null ? $"no longer downloads {what}" : $"content of {what} changed",
            "instruction" => $"instruction changed: {Quote(before)} → {Quote(after)}",
            "expanded" => $"instruction after expansion changed: {Quote(before)} → {Quote(after)}",
            _ => $"{name} {Values(before, after)}",
        };
    }

    private static string Values(string? before, string? after) => (before, after) switch
    {
        (null, _) => $"set: {Quote(after)}",
        (_, null) => $"no longer set (was {Quote(before)})",
        _ => $"changed: {Quote(before)} → {Quote(after)}",
    };

    private static string Quote(string? value)
    {
        if (value is null)
        {
            return "<unset>";
        }

        var line = value.ReplaceLineEndings("⏎");
        return "\"" + (line.Length > ValueWidth ? line[..(ValueWidth - 1)] + "…" : line) + "\"";
    }

    private static string ShortDigest(string? digest) =>
        digest is null ? "<none>" : digest.StartsWith("sha256:", StringComparison.Ordinal) && digest.Length > 19 ? digest[..19] : digest;

    /// <summary>"file a changed content", or "3 files changed: a (content), b (mode 644 → 755), c (+12 more)".</summary>
    private static string? Files(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> now,
        Func<string, bool>? ignoredNow, string? stage)
    {
        var changed = new List<(string Path, string What)>();
        foreach (var key in before.Keys.Union(now.Keys).Order(StringComparer.Ordinal))
        {
            var path = key.Length == 0 ? "." : key;
            var a = before.TryGetValue(key, out var x) ? FileFingerprint.Shorten(x) : null;
            var b = now.TryGetValue(key, out var y) ? FileFingerprint.Shorten(y) : null;
            if (a == b)
            {
                continue;
            }

            changed.Add((path, (a, b) switch
            {
                (null, _) => "added",
                (_, null) => ignoredNow?.Invoke(key) == true ? "removed: excluded by .dockerignore" : "removed",
                _ => FileChange(a, b),
            }));
        }

        if (changed.Count == 0)
        {
            return null;
        }

        var from = stage is not null && changed.All(c => c.Path.StartsWith('/')) ? StageFiles + stage : "";
        if (changed.Count == 1)
        {
            var (path, what) = changed[0];
            return what.StartsWith("symlink", StringComparison.Ordinal)
                ? what.Replace("symlink", "symlink " + path + from, StringComparison.Ordinal)
                : $"file {path}{from} {what}";
        }

        var named = string.Join(", ", changed.Take(NamedFiles).Select(c => $"{c.Path} ({c.What})"));
        var more = changed.Count > NamedFiles ? string.Create(CultureInfo.InvariantCulture, $" (+{changed.Count - NamedFiles} more)") : "";
        return string.Create(CultureInfo.InvariantCulture, $"{changed.Count} files{from} changed: {named}{more}");
    }

    private static string FileChange(string before, string after)
    {
        if (FileFingerprint.Parse(before) is not { } a || FileFingerprint.Parse(after) is not { } b)
        {
            return "changed";
        }

        if (a.Type != b.Type)
        {
            return $"changed type ({TypeName(a.Type)} → {TypeName(b.Type)})";
        }

        var parts = new List<string>();
        if (a.Detail != b.Detail)
        {
            parts.Add(a.Type == 'l' ? $"symlink target changed: {a.Detail} → {b.Detail}" : "changed content");
        }

        if (a.Mode != b.Mode)
        {
            parts.Add($"mode {Convert.ToString(a.Mode, 8)} → {Convert.ToString(b.Mode, 8)}");
        }

        if (a.Uid != b.Uid || a.Gid != b.Gid)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"owner {a.Uid}:{a.Gid} → {b.Uid}:{b.Gid}"));
        }

        return parts.Count == 0 ? "changed" : string.Join(", ", parts);
    }

    private static string TypeName(char type) => type switch
    {
        'f' => "file",
        'l' => "symlink",
        'd' => "directory",
        _ => "special file",
    };
}
