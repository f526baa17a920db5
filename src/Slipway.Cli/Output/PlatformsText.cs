using Slipway.Runtime.Emulation;

namespace Slipway.Cli.Output;

/// <summary><c>slipway info</c>'s Platforms section: what runs natively, what binfmt_misc emulates (with the
/// interpreter), and for the common platforms that cannot run here, how to make them run.</summary>
internal static class PlatformsText
{
    public static void Write(TextWriter output, EmulationReport report)
    {
        output.WriteLine("Platforms:");
        foreach (var platform in report.Native)
        {
            output.WriteLine($"  {platform,-16} native");
        }

        foreach (var emulated in report.Emulated)
        {
            output.WriteLine(emulated.FixBinary
                ? $"  {emulated.Platform,-16} emulated: {emulated.Interpreter}"
                : $"  {emulated.Platform,-16} emulated without the F flag (not in containers): {emulated.Interpreter}");
        }

        var missing = EmulationReport.Common.Where(p => report.CannotRun(p) is not null).ToList();
        foreach (var platform in missing.Where(p => !report.Emulated.Any(e => e.Platform == p)))
        {
            output.WriteLine($"  {platform,-16} missing");
        }

        if (report.Problem is not null)
        {
            output.WriteLine($"  {report.Problem}");
        }

        if (missing.Count > 0)
        {
            output.WriteLine("  To run the missing ones: apt-get install qemu-user-static, then register its handlers as");
            output.WriteLine("  root (scripts/setup does both; or docker run --privileged --rm tonistiigi/binfmt --install all)");
        }
    }
}
