namespace Slipway.Cli;

/// <summary>Where the store lives: <c>--root</c>, then <c>SLIPWAY_ROOT</c>, then the default for the user.</summary>
internal static class StoreRoot
{
    public const string SystemDefault = "/var/lib/slipway";

    public static string Resolve(string? option, ICliEnvironment env)
    {
        if (!string.IsNullOrEmpty(option))
        {
            return Path.GetFullPath(option);
        }

        var fromEnv = env.GetVariable("SLIPWAY_ROOT");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return Path.GetFullPath(fromEnv);
        }

        if (env.IsRoot)
        {
            return SystemDefault;
        }

        var xdg = env.GetVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(xdg))
        {
            var home = env.GetVariable("HOME") ?? "/tmp";
            xdg = Path.Combine(home, ".local", "share");
        }

        return Path.Combine(xdg, "slipway");
    }
}
