namespace Slipway.Cli.Tests;

public class StoreRootTests
{
    [Fact]
    public void The_root_option_wins_over_everything()
    {
        var env = new FakeEnvironment { IsRoot = true };
        env.Variables["SLIPWAY_ROOT"] = "/from/env";
        Assert.Equal("/from/option", StoreRoot.Resolve("/from/option", env));
    }

    [Fact]
    public void SLIPWAY_ROOT_is_used_when_no_option_is_given()
    {
        var env = new FakeEnvironment { IsRoot = true };
        env.Variables["SLIPWAY_ROOT"] = "/from/env";
        Assert.Equal("/from/env", StoreRoot.Resolve(null, env));
    }

    [Fact]
    public void Root_defaults_to_var_lib_slipway()
    {
        Assert.Equal("/var/lib/slipway", StoreRoot.Resolve(null, new FakeEnvironment { IsRoot = true }));
    }

    [Fact]
    public void A_user_defaults_to_XDG_DATA_HOME_then_home()
    {
        var env = new FakeEnvironment();
        env.Variables["HOME"] = "/home/u";
        Assert.Equal("/home/u/.local/share/slipway", StoreRoot.Resolve(null, env));
        env.Variables["XDG_DATA_HOME"] = "/data";
        Assert.Equal("/data/slipway", StoreRoot.Resolve(null, env));
    }
}
