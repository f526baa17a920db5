using Slipway.Build.Engine;
using Slipway.Dockerfile.Expansion;

namespace Slipway.Build.Ops;

/// <summary>Expands the words of one step against its stage's state. One made for a cache map tracks the variables
/// the words referenced (<see cref="Used"/>): their values reach the step's key.</summary>
public sealed class Expansion(ShellLex lex, StepState state, bool track)
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public StepState State => state;

    /// <summary>The variables referenced so far, set or not (empty unless tracking).</summary>
    public IReadOnlySet<string> Used => _used;

    public string Word(string word) => Process(word).Word;

    /// <summary>The word expanded and split on unquoted whitespace (BuildKit's ProcessWords, what EXPOSE uses): a
    /// variable holding spaces gives several words, an unquoted empty one none.</summary>
    public IReadOnlyList<string> Words(string word) => Process(word).Words;

    private ExpansionResult Process(string word)
    {
        try
        {
            var result = lex.ProcessWords(word, state.Lookup);
            if (track)
            {
                _used.UnionWith(result.Matched);
                _used.UnionWith(result.Unmatched);
            }

            return result;
        }
        catch (ExpansionException ex)
        {
            throw new BuildException(ex.Message, ex);
        }
    }

    /// <summary>A heredoc body whose delimiter was not quoted; only the variables it found count as used.</summary>
    public string Heredoc(string content)
    {
        var expanded = ShellLex.ProcessHeredoc(content, state.Lookup);
        if (track)
        {
            _used.UnionWith(expanded.Matched);
        }

        return expanded.Word;
    }
}
