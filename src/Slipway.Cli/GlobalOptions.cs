using System.CommandLine;

namespace Slipway.Cli;

/// <summary>Options every command accepts.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Root { get; } = new("--root")
    {
        Description = "Store root directory (default: $SLIPWAY_ROOT, /var/lib/slipway as root, $XDG_DATA_HOME/slipway otherwise)",
        Recursive = true,
        HelpName = "DIR",
    };

    public Option<bool> Debug { get; } = new("--debug")
    {
        Description = "Print debug output and full error details",
        Recursive = true,
    };
}
