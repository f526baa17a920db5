using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Tests.Syntax;

public sealed class GoQuoteTests
{
    [Theory]
    [InlineData("abc", "\"abc\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("\t\n\r", "\"\\t\\n\\r\"")]
    [InlineData("\u0001\u007f", "\"\\x01\\x7f\"")]
    [InlineData("한국어 😀", "\"한국어 😀\"")]
    [InlineData("\u00a0\u200b", "\"\\u00a0\\u200b\"")]
    [InlineData("\U000E0001", "\"\\U000e0001\"")]
    public void A_string_is_quoted_as_Go_strconv_Quote_does(string value, string quoted) =>
        Assert.Equal(quoted, GoQuote.Quote(value));
}
