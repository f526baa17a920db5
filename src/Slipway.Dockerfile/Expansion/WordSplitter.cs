using System.Text;

namespace Slipway.Dockerfile.Expansion;

/// <summary>BuildKit's wordsStruct: collects words while a word is expanded. Whitespace ends a word only when
/// it came unquoted from the source or from a variable; quoted and escaped text is added raw.</summary>
internal sealed class WordSplitter
{
    private readonly StringBuilder _word = new();
    private readonly List<string> _words = [];
    private bool _inWord;

    public void AddChar(int ch)
    {
        var space = IsSpace(ch);
        if (space && _inWord)
        {
            if (_word.Length != 0)
            {
                _words.Add(_word.ToString());
                _word.Clear();
                _inWord = false;
            }
        }
        else if (!space)
        {
            AddRawChar(ch);
        }
    }

    public void AddRawChar(int ch)
    {
        ShellWord.AppendRune(_word, ch);
        _inWord = true;
    }

    public void AddString(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            AddChar(rune.Value);
        }
    }

    public void AddRawString(string text)
    {
        _word.Append(text);
        _inWord = true;
    }

    /// <summary>The words so far; an empty pending word (from <c>""</c>) is not a word, as in BuildKit.</summary>
    public List<string> GetWords()
    {
        if (_word.Length > 0)
        {
            _words.Add(_word.ToString());
            _word.Clear();
            _inWord = false;
        }

        return _words;
    }

    // Go's unicode.IsSpace and .NET's Rune.IsWhiteSpace both follow the Unicode White_Space property.
    private static bool IsSpace(int ch) => Rune.IsValid(ch) && Rune.IsWhiteSpace(new Rune(ch));
}
