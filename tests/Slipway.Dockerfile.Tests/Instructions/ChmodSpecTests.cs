using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Tests.Instructions;

/// <summary>COPY/ADD --chmod as BuildKit reads it: octal replaces the mode, symbolic (chmod(1), BSD setmode with no
/// umask) changes the source entry's own mode.</summary>
public sealed class ChmodSpecTests
{
    private static uint Apply(string spec, uint mode, bool isDirectory = false) =>
        ChmodSpec.Parse(spec, out var error)?.Apply(mode, isDirectory) ?? throw new InvalidOperationException(error);

    [Theory]
    [InlineData("755", 0x1A4u, 0x1EDu)] // 0644 → 0755
    [InlineData("0644", 0x1EDu, 0x1A4u)]
    [InlineData("4755", 0x1A4u, 0x9EDu)] // setuid kept
    [InlineData("0", 0x1EDu, 0u)]
    public void An_octal_mode_replaces_the_mode(string spec, uint from, uint expected) => Assert.Equal(expected, Apply(spec, from));

    [Theory]
    [InlineData("u+x,g-w", 0x1B4u, 0x1E4u)] // 0664 → 0744
    [InlineData("+x", 0x1A4u, 0x1EDu)] // 0644 → 0755
    [InlineData("a=r", 0x1EDu, 0x124u)] // 0755 → 0444
    [InlineData("go-w", 0x1B6u, 0x1A4u)] // 0666 → 0644
    [InlineData("u=rwx,go=rx", 0x180u, 0x1EDu)] // 0600 → 0755
    [InlineData("go=u-w", 0x1C0u, 0x1EDu)] // 0700 → 0755: group and other get the user's bits, less w
    [InlineData("o=", 0x1FFu, 0x1F8u)] // 0777 → 0770
    [InlineData("u+s", 0x1EDu, 0x9EDu)] // 0755 → 4755
    [InlineData("+t", 0x1FFu, 0x3FFu)] // 0777 → 1777
    public void A_symbolic_mode_changes_the_source_mode(string spec, uint from, uint expected) => Assert.Equal(expected, Apply(spec, from));

    [Fact]
    public void Capital_X_adds_execute_only_to_directories_and_files_that_already_have_it()
    {
        Assert.Equal(0x1EDu, Apply("a+X", 0x1A4u, isDirectory: true)); // dir 0644 → 0755
        Assert.Equal(0x1A4u, Apply("a+X", 0x1A4u)); // file 0644 stays
        Assert.Equal(0x1EDu, Apply("a+X", 0x1E4u)); // file 0744 → 0755
    }

    [Theory]
    [InlineData("999", "invalid chmod parameter: '999'. it should be octal string and between 0 and 07777")]
    [InlineData("17777", "invalid chmod parameter: '17777'. it should be octal string and between 0 and 07777")]
    [InlineData("7a", "invalid chmod parameter: '7a'. it should be octal string and between 0 and 07777")]
    [InlineData("abc", "invalid syntax")]
    [InlineData("u+x,", "invalid syntax")]
    [InlineData("u", "invalid syntax")]
    [InlineData("-1", "invalid syntax")]
    public void A_bad_mode_is_buildkits_error(string spec, string error)
    {
        Assert.Null(ChmodSpec.Parse(spec, out var message));
        Assert.Equal(error, message);
    }
}
