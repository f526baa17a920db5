using System.Globalization;
using Slipway.Oci;

namespace Slipway.Registry;

/// <summary>A registry sent nothing for the idle time. Retried (and a download resumed) like a dropped connection:
/// <see cref="Http.RetryHandler"/> counts it as a transport failure.</summary>
public sealed class IdleTimeoutException : SlipwayException
{
    public const string ErrorCode = "registry.idle-timeout";

    internal IdleTimeoutException(TimeSpan idle)
        : base($"the registry sent nothing for {Seconds(idle)} s")
    {
    }

    public override string Code => ErrorCode;

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
