using Slipway.Build.Export;

namespace Slipway.Cli.Output;

/// <summary>What exporting prints: BuildKit's <c>#0 … done</c> lines (not under <c>-q</c>) and warnings (always).</summary>
internal sealed class ExportLines(TextWriter error, bool quiet) : IExportProgress
{
    public void OnDone(string what)
    {
        if (!quiet)
        {
            error.WriteLine($"#0 {what} done");
        }
    }

    public void OnWarning(string message) => error.WriteLine($"WARNING: {message}");
}
