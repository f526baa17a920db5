using Slipway.Build.Containers;

namespace Slipway.Build.Tests.Containers;

public sealed class ContainerNamesTests
{
    [Fact]
    public void A_generated_name_is_an_adjective_and_a_noun_joined_by_an_underscore()
    {
        var name = ContainerNames.Generate(new Random(1));

        Assert.Matches("^[a-z]+_[a-z]+$", name);
        Assert.True(ContainerNames.IsValid(name));
    }

    [Fact]
    public void A_name_taken_every_time_gets_a_number()
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);

        var name = ContainerNames.Unique(new Random(2), n => !n.Any(char.IsAsciiDigit));

        Assert.Matches("^[a-z]+_[a-z]+[0-9]+$", name);
        Assert.DoesNotContain(name, taken);
    }

    [Theory]
    [InlineData("web", true)]
    [InlineData("my_app.1-b", true)]
    [InlineData("w", false)]
    [InlineData("_web", false)]
    [InlineData("web/x", false)]
    [InlineData("wéb", false)]
    public void Names_follow_dockers_rule(string name, bool valid) => Assert.Equal(valid, ContainerNames.IsValid(name));
}
