using Slipway.Build.Engine;

namespace Slipway.Build.Tests.Engine;

public class StepInputsTests
{
    private static StepInputs Make(Action<StepInputs> fill)
    {
        var inputs = new StepInputs();
        fill(inputs);
        return inputs;
    }

    [Fact]
    public void The_same_inputs_give_the_same_digest_whatever_order_files_were_found_in() =>
        Assert.Equal(
            Make(i => { i.Add("arg:A", "1"); i.AddFile("b", "f 644 0:0 x"); i.AddFile("a", "f 644 0:0 y"); }).Digest(),
            Make(i => { i.Add("arg:A", "1"); i.AddFile("a", "f 644 0:0 y"); i.AddFile("b", "f 644 0:0 x"); }).Digest());

    [Fact]
    public void A_value_a_name_or_a_file_fingerprint_each_change_the_digest()
    {
        var digest = Make(i => { i.Add("arg:A", "1"); i.AddFile("a", "f 644 0:0 x"); }).Digest();
        Assert.NotEqual(digest, Make(i => { i.Add("arg:A", "2"); i.AddFile("a", "f 644 0:0 x"); }).Digest());
        Assert.NotEqual(digest, Make(i => { i.Add("arg:B", "1"); i.AddFile("a", "f 644 0:0 x"); }).Digest());
        Assert.NotEqual(digest, Make(i => { i.Add("arg:A", "1"); i.AddFile("a", "f 644 1000:0 x"); }).Digest());
        Assert.NotEqual(digest, Make(i => { i.Add("arg:A", "1"); i.AddFile("a", "f 644 0:0 x"); i.AddFile("b", "d"); }).Digest());
    }

    [Fact]
    public void Parts_cannot_run_into_each_other() =>
        Assert.NotEqual(Make(i => i.Add("ab", "c")).Digest(), Make(i => i.Add("a", "bc")).Digest());
}
