using System.Text;
using Slipway.Runtime;

namespace Slipway.Build.Containers.Logs;

/// <summary>Appends entries to a json-file log, one whole line per write and flushed at once, so a follower never
/// waits on a buffer. Safe to call from the stdout and stderr readers at the same time.</summary>
public sealed class JsonFileLogWriter : IDisposable
{
    private readonly FileStream _file;
    private readonly Lock _gate = new();

    internal JsonFileLogWriter(string path)
    {
        _file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead,
        });
    }

    /// <summary>One line the process printed (without its line ending), from <paramref name="channel"/>, at
    /// <paramref name="time"/>.</summary>
    public void Write(OutputChannel channel, string line, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(line);
        var bytes = Encoding.UTF8.GetBytes(JsonFileLog.Encode(channel, line + "\n", time));
        lock (_gate)
        {
            _file.Write(bytes);
            _file.Flush();
        }
    }

    public void Dispose() => _file.Dispose();
}
