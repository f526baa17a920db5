using System.Diagnostics;

namespace Slipway.Integration.Tests.Fixtures;

/// <summary>Runs an external tool (skopeo, umoci) to completion and hands back what it printed.</summary>
internal static class Tool
{
    public static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var output = await stdout;
        var errors = await stderr;
        Assert.True(process.ExitCode == 0,
            $"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{errors}");
        return output;
    }
}
