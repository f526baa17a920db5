using System.Globalization;
using Slipway.Runtime;

namespace Slipway.Build.Containers.Logs;

/// <summary>One json-file entry: the stream it came from, when it was written, and its text as kept (with the
/// newline that ended the line).</summary>
public sealed record LogEntry(OutputChannel Channel, DateTimeOffset Time, string Message)
{
    /// <summary>The entry as <c>docker logs</c> prints it: with <c>-t</c>, the time with nine fraction digits
    /// (<c>jsonmessage.RFC3339NanoFixed</c>) and a space first.</summary>
    public string Render(bool timestamps) => timestamps ? FixedTime(Time) + " " + Message : Message;

    /// <summary><c>2006-01-02T15:04:05.000000000Z07:00</c> in UTC.</summary>
    public static string FixedTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "00Z";
}
