using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Slipway.Insight;

/// <summary>A byte pattern to look for, known by a label that never holds the bytes themselves.</summary>
internal sealed record LiteralPattern(string Label, byte[] Bytes);

/// <summary>A shape of secret-looking text (a private key header, an access key id), matched over Latin-1 text
/// so every byte is one char. Matches are bounded in length by <see cref="StreamMatcher.MaxDetectorMatch"/>.</summary>
internal sealed record Detector(string Label, Regex Pattern);

/// <summary>Finds literal patterns and detector matches in a stream fed in chunks of any size, one file at a
/// time: the last bytes of each chunk are kept and searched again with the next one, so a match that spans a
/// chunk boundary is found. Reports each pattern at most once per file (until <see cref="Reset"/>).</summary>
internal sealed class StreamMatcher : IDisposable
{
    /// <summary>The longest detector match that is guaranteed to be seen whole across chunk boundaries.</summary>
    public const int MaxDetectorMatch = 256;

    private readonly IReadOnlyList<LiteralPattern> _literals;
    private readonly IReadOnlyList<Detector> _detectors;
    private readonly int _overlap;
    private readonly bool[] _literalFound;
    private readonly bool[] _detectorFound;
    private byte[] _window;
    private char[] _chars = [];
    private int _tail;

    public StreamMatcher(IReadOnlyList<LiteralPattern> literals, IReadOnlyList<Detector> detectors)
    {
        ArgumentNullException.ThrowIfNull(literals);
        ArgumentNullException.ThrowIfNull(detectors);
        _literals = literals;
        _detectors = detectors;
        var longest = literals.Count == 0 ? 0 : literals.Max(l => l.Bytes.Length);
        _overlap = Math.Max(longest - 1, detectors.Count == 0 ? 0 : MaxDetectorMatch);
        _literalFound = new bool[literals.Count];
        _detectorFound = new bool[detectors.Count];
        _window = ArrayPool<byte>.Shared.Rent(_overlap + 81920);
    }

    public IReadOnlyList<LiteralPattern> Literals => _literals;

    public IReadOnlyList<Detector> Detectors => _detectors;

    /// <summary>Starts a new file: forgets the kept bytes and what was found.</summary>
    public void Reset()
    {
        _tail = 0;
        Array.Clear(_literalFound);
        Array.Clear(_detectorFound);
    }

    /// <summary>Searches <paramref name="chunk"/> (with the bytes kept from before) and returns the indexes of
    /// literals and detectors found for the first time in this file.</summary>
    public (List<int> Literals, List<int> Detectors) Feed(ReadOnlySpan<byte> chunk)
    {
        var literals = new List<int>();
        var detectors = new List<int>();
        if (chunk.IsEmpty)
        {
            return (literals, detectors);
        }

        var length = _tail + chunk.Length;
        if (_window.Length < length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(length);
            _window.AsSpan(0, _tail).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_window);
            _window = bigger;
        }

        chunk.CopyTo(_window.AsSpan(_tail));
        var window = _window.AsSpan(0, length);
        for (var i = 0; i < _literals.Count; i++)
        {
            // A match lying wholly in the kept bytes was already seen with the previous chunk.
            if (!_literalFound[i] && EndsAfter(window, _literals[i].Bytes, _tail))
            {
                _literalFound[i] = true;
                literals.Add(i);
            }
        }

        if (_detectors.Count > 0)
        {
            if (_chars.Length < length)
            {
                _chars = new char[Math.Max(length, _window.Length)];
            }

            var text = _chars.AsSpan(0, Encoding.Latin1.GetChars(window, _chars));
            for (var i = 0; i < _detectors.Count; i++)
            {
                if (_detectorFound[i])
                {
                    continue;
                }

                foreach (var match in _detectors[i].Pattern.EnumerateMatches(text))
                {
                    if (match.Index + match.Length > _tail)
                    {
                        _detectorFound[i] = true;
                        detectors.Add(i);
                        break;
                    }
                }
            }
        }

        var keep = Math.Min(_overlap, length);
        window[(length - keep)..].CopyTo(_window);
        _tail = keep;
        return (literals, detectors);
    }

    private static bool EndsAfter(ReadOnlySpan<byte> window, byte[] needle, int boundary)
    {
        var offset = 0;
        while (true)
        {
            var at = window[offset..].IndexOf(needle);
            if (at < 0)
            {
                return false;
            }

            if (offset + at + needle.Length > boundary)
            {
                return true;
            }

            offset += at + 1;
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_window);
        _window = [];
    }
}
