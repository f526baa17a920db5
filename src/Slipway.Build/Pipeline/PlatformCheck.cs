using System.Globalization;
using Slipway.Build.Definition;
using Slipway.Build.Engine;
using Slipway.Dockerfile.Instructions;
using Slipway.Oci;

namespace Slipway.Build.Pipeline;

/// <summary>Before any pull or step: a RUN in a stage whose platform this machine cannot run (no native support, no
/// emulator registered) fails the build at that RUN's line, instead of with "exec format error" after the pulls.</summary>
internal static class PlatformCheck
{
    public static void Check(IReadOnlyList<BuildDefinition> definitions, Func<Platform, string?>? cannotRun)
    {
        if (cannotRun is null)
        {
            return;
        }

        foreach (var definition in definitions)
        {
            foreach (var stage in definition.Graph.Graph!.Required)
            {
                if (stage.Instructions.OfType<RunInstruction>().FirstOrDefault() is not { } run)
                {
                    continue;
                }

                var platform = BuildPlanner.StagePlatform(stage, definition.Source.Platform);
                if (cannotRun(platform) is { } why)
                {
                    throw new BuildException(string.Create(CultureInfo.InvariantCulture,
                        $"{run.Span.File}:{run.Span.StartLine}: RUN in stage {stage.Name ?? "stage-" + stage.Index} needs {platform}, which this machine cannot run: {why}"));
                }
            }
        }
    }
}
