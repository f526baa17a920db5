using System.Text;

namespace Slipway.Dockerfile.Syntax;

/// <summary>The source cut into physical lines, each with its line ending, as BuildKit's scanner reads them.</summary>
internal sealed class SourceText
{
    /// <summary>Go's bufio.Scanner refuses a line of 64 KiB or more.</summary>
    public const int MaxLineBytes = 65536;

    private readonly List<string> _lines = [];

    public SourceText(string text)
    {
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }

        var start = 0;
        while (start < text.Length)
        {
            var nl = text.IndexOf('\n', start);
            var end = nl < 0 ? text.Length : nl + 1;
            _lines.Add(text[start..end]);
            start = end;
        }

        Lines = [.. _lines.Select(l => l.TrimEnd('\n').TrimEnd('\r'))];
    }

    public int Count => _lines.Count;

    /// <summary>Lines without their endings.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>The physical line at a 0-based index, with its ending.</summary>
    public string this[int index] => _lines[index];

    public bool IsTooLong(int index)
    {
        var line = _lines[index];
        var content = line.EndsWith('\n') ? line.Length - 1 : line.Length;
        return content >= MaxLineBytes / 3 && Encoding.UTF8.GetByteCount(line.AsSpan(0, content)) >= MaxLineBytes;
    }
}
