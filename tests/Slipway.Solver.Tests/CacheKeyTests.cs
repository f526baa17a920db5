using System.Text;
using Slipway.Oci;

namespace Slipway.Solver.Tests;

public class CacheKeyTests
{
    private static Digest D(string s) => Digest.Compute(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void The_same_parts_give_the_same_key() =>
        Assert.Equal(CacheKey.Compute(D("op"), [D("a")], D("c")), CacheKey.Compute(D("op"), [D("a")], D("c")));

    [Fact]
    public void Input_order_content_and_operation_each_change_the_key()
    {
        var key = CacheKey.Compute(D("op"), [D("a"), D("b")], null);
        Assert.NotEqual(key, CacheKey.Compute(D("op"), [D("b"), D("a")], null));
        Assert.NotEqual(key, CacheKey.Compute(D("op"), [D("a"), D("b")], D("content")));
        Assert.NotEqual(key, CacheKey.Compute(D("op2"), [D("a"), D("b")], null));
    }
}
