using System.Text;
using System.Text.Json;

namespace Slipway.Dockerfile.Syntax;

/// <summary>The exec form: a JSON array of strings. Like Go's json.Unmarshal (what BuildKit's parseJSON uses), the
/// whole rest of the line must be that one array: <c>["a"] x</c> is not JSON, so it is the shell form.</summary>
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

        var bytes = Encoding.UTF8.GetBytes(rest);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions
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
                        if (bytes.AsSpan((int)reader.BytesConsumed).TrimStart(" \t\r\n"u8).Length > 0)
                        {
                            return Outcome.NotJson;
                        }

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
