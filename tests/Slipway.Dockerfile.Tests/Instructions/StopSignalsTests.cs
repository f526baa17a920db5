using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Tests.Instructions;

/// <summary>STOPSIGNAL as moby/sys signal.ParseSignal checks it on Linux.</summary>
public sealed class StopSignalsTests
{
    [Theory]
    [InlineData("SIGTERM")]
    [InlineData("sigkill")]
    [InlineData("QUIT")]
    [InlineData("SIGRTMIN+3")]
    [InlineData("RTMAX-1")]
    [InlineData("9")]
    [InlineData("-9")]
    [InlineData("+15")]
    [InlineData("99")]
    public void A_known_name_or_a_non_zero_number_is_a_signal(string signal) => Assert.Null(StopSignals.Check(signal));

    [Theory]
    [InlineData("SIGFOO")]
    [InlineData("0")]
    [InlineData("")]
    [InlineData("SIGSIGTERM")]
    [InlineData("RTMIN+16")]
    [InlineData("TERM ")]
    public void Anything_else_is_buildkits_invalid_signal(string signal) => Assert.Equal("invalid signal: " + signal, StopSignals.Check(signal));
}
