namespace Slipway.Build.Containers;

/// <summary>docker's exit statuses for a container that did not run its command (moby's container start errors).</summary>
public static class ContainerExit
{
    /// <summary>The container could not be made or started (the daemon's error, in docker).</summary>
    public const int StartFailed = 125;

    /// <summary>The command exists but cannot be run (permission denied).</summary>
    public const int CannotInvoke = 126;

    /// <summary>The command was not found.</summary>
    public const int NotFound = 127;

    /// <summary>Killed by SIGKILL: 128 + 9.</summary>
    public const int Killed = 137;

    /// <summary>The status docker gives a start error by its text.</summary>
    public static int ForStartError(string error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.Contains("executable file not found", StringComparison.Ordinal) || error.Contains("no such file or directory", StringComparison.OrdinalIgnoreCase))
        {
            return NotFound;
        }

        return error.Contains("permission denied", StringComparison.OrdinalIgnoreCase) ? CannotInvoke : StartFailed;
    }
}
