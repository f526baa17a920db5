namespace Slipway.Cli;

/// <summary>What the CLI reads from the process: environment variables, identity and the standard streams.
/// Tests pass their own so that no test touches the real console or environment.</summary>
internal interface ICliEnvironment
{
    string? GetVariable(string name);

    bool IsRoot { get; }

    TextWriter Out { get; }

    TextWriter Error { get; }

    TextReader In { get; }

    /// <summary>Whether standard output goes to a file or a pipe rather than a terminal.</summary>
    bool OutputRedirected { get; }

    /// <summary>Whether standard error goes to a file or a pipe; progress draws a live view only on a terminal.</summary>
    bool ErrorRedirected { get; }

    Stream OpenStandardOutput();

    Stream OpenStandardInput();

    /// <summary>Cancelled when the process is asked to stop (SIGINT, SIGTERM, SIGHUP).</summary>
    CancellationToken Termination => CancellationToken.None;

    /// <summary>The clock every command reads and passes on (store, registry, progress); nothing else reads one.</summary>
    TimeProvider Time { get; }
}

internal sealed class ConsoleEnvironment : ICliEnvironment
{
    public CancellationToken Termination { get; init; }

    public required TimeProvider Time { get; init; }

    public string? GetVariable(string name) => Environment.GetEnvironmentVariable(name);

    public bool IsRoot => Environment.UserName == "root" || GetVariable("EUID") == "0" || IsUidZero();

    public TextWriter Out => Console.Out;

    public TextWriter Error => Console.Error;

    public TextReader In => Console.In;

    public bool OutputRedirected => Console.IsOutputRedirected;

    public bool ErrorRedirected => Console.IsErrorRedirected;

    public Stream OpenStandardOutput() => Console.OpenStandardOutput();

    public Stream OpenStandardInput() => Console.OpenStandardInput();

    private static bool IsUidZero()
    {
        // /proc/self/status has "Uid:\treal\teffective…"; no P/Invoke needed.
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                {
                    var parts = line.Split('\t', StringSplitOptions.RemoveEmptyEntries);
                    return parts.Length > 2 && parts[2] == "0";
                }
            }
        }
        catch (IOException)
        {
        }

        return false;
    }
}
