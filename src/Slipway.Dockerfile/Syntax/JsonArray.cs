using System.Text;
using System.Text.Json;

namespace Slipway.Dockerfile.Syntax;

/// <summary>The exec form: a JSON array of strings. Like Go's json.Decoder, only the first JSON value is read
/// and anything after it is ignored.</summary>
internal static class JsonArray
{
    public const string NotStringArray = "when using JSON array syntax, arrays must be comprised of strings only";

    public enum Outcome
    {
        NotJson,
        Strings,
        NotStringArray,
    }

    public static Outcome TryParse(string rest, out List<string> values)
    {
        values = [];
        rest = rest.TrimStart();
        if (!rest.StartsWith('['))
        {
            return Outcome.NotJson;
        }

        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(rest), new JsonReaderOptions
        {
            AllowMultipleValues = true,
            CommentHandling = JsonCommentHandling.Disallow,
            MaxDepth = 10_000,
        });
        var onlyStrings = true;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return Outcome.NotJson;
            }

            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.EndArray when reader.CurrentDepth == 0:
                        return onlyStrings ? Outcome.Strings : Outcome.NotStringArray;
                    case JsonTokenType.String when reader.CurrentDepth == 1:
                        values.Add(reader.GetString() ?? "");
                        break;
                    case JsonTokenType.StartArray or JsonTokenType.StartObject:
                        onlyStrings = false;
                        reader.Skip();
                        break;
                    default:
                        onlyStrings = false;
                        break;
                }
            }

            return Outcome.NotJson;
        }
        catch (JsonException)
        {
            return Outcome.NotJson;
        }
        catch (InvalidOperationException)
        {
            // GetString on a malformed escape; Go would have rejected the document too.
            return Outcome.NotJson;
        }
    }
}
