using System.Globalization;

namespace Slipway.Registry;

/// <summary>A registry sent nothing for the idle time. An <see cref="IOException"/> so that it is retried (and a
/// download resumed) like a dropped connection.</summary>
public sealed class IdleTimeoutException : IOException
{
    public IdleTimeoutException()
    {
    }

    public IdleTimeoutException(string message)
        : base(message)
    {
    }

    public IdleTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal IdleTimeoutException(TimeSpan idle)
        : base($"the registry sent nothing for {Seconds(idle)} s")
    {
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
