using System.Globalization;
using Slipway.Oci;
using Slipway.Solver;

namespace Slipway.Build.Engine;

/// <summary>Everything a step's content digest is made of, by name, so that the same data that keys the step
/// can say what changed when it misses. Names: <c>instruction</c> (as written), <c>expanded</c> (after
/// <c>${}</c>), <c>flag:--NAME</c>, <c>arg:NAME</c>, <c>env:NAME</c>, <c>base</c>, <c>image:NAME</c>,
/// <c>url:URL</c>, <c>platform</c>, <c>compression</c>; and every file read from the context (by its relative
/// path) or by <c>COPY --from=&lt;stage&gt;</c> from that stage (by its absolute path) with its fingerprint
/// (<see cref="FileFingerprint"/>).</summary>
public sealed class StepInputs
{
    private readonly List<KeyValuePair<string, string>> _values = [];
    private readonly SortedDictionary<string, string> _files = new(StringComparer.Ordinal);

    public IReadOnlyList<KeyValuePair<string, string>> Values => _values;

    /// <summary>Context path (relative) or stage path (absolute) → full fingerprint (content digest in full).</summary>
    public IReadOnlyDictionary<string, string> Files => _files;

    public void Add(string name, string value) => _values.Add(KeyValuePair.Create(name, value));

    public void AddFile(string path, string fingerprint) => _files[path] = fingerprint;

    /// <summary>A flag as it enters the key: <c>flag:--NAME</c>, only when it has a value.</summary>
    public void AddFlag(string flag, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            Add("flag:" + flag, value);
        }
    }

    /// <summary>A copy of the values and files, for the history that explains the step's next miss.</summary>
    public CacheFacts Facts() => new([.. _values], new SortedDictionary<string, string>(_files, StringComparer.Ordinal));

    /// <summary>The content digest: values in order, then files by path, each part length-prefixed.</summary>
    public Digest Digest()
    {
        using var hash = new KeyHash("slipway.stepinputs.v2");
        foreach (var (name, value) in _values)
        {
            hash.Append(name);
            hash.Append(value);
        }

        hash.Append("files");
        foreach (var (path, fingerprint) in _files)
        {
            hash.Append(path);
            hash.Append(fingerprint);
        }

        return hash.Digest();
    }
}

/// <summary>What a copy of one context entry depends on, as text: <c>TYPE MODE UID:GID DETAIL</c> where TYPE is
/// <c>f</c> (file; DETAIL its content digest), <c>l</c> (symlink; DETAIL its target), <c>d</c> (directory) or
/// <c>o</c> (other), MODE the permission bits in octal.</summary>
public readonly record struct FileFingerprint(char Type, uint Mode, uint Uid, uint Gid, string Detail)
{
    /// <summary>How many hex digits of a content digest the step history keeps: enough to see a change.</summary>
    public const int ShortContent = 16;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Type} {Convert.ToString(Mode & 0xFFF, 8)} {Uid}:{Gid} {Detail}");

    /// <summary>The same fingerprint with a file's content digest cut short, for the step history.</summary>
    public static string Shorten(string fingerprint) =>
        Parse(fingerprint) is { Type: 'f' } f && f.Detail.Length > ShortContent ? (f with { Detail = f.Detail[..ShortContent] }).ToString() : fingerprint;

    public static FileFingerprint? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(' ', 4);
        if (parts.Length < 3 || parts[0].Length != 1)
        {
            return null;
        }

        var owner = parts[2].Split(':');
        try
        {
            return new FileFingerprint(parts[0][0], Convert.ToUInt32(parts[1], 8),
                uint.Parse(owner[0], CultureInfo.InvariantCulture), owner.Length > 1 ? uint.Parse(owner[1], CultureInfo.InvariantCulture) : 0,
                parts.Length > 3 ? parts[3] : "");
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }
}
