using Slipway.Build.Definition;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Outline;

namespace Slipway.Cli.Commands;

/// <summary><c>build --call outline|targets|check</c>: what <c>docker buildx build --call</c> answers, from the
/// build's definition, without building. The logic lives in Slipway.Dockerfile.</summary>
internal static class BuildQuestions
{
    public static int Answer(ICliEnvironment env, BuildDefinition definition, BuildCall call, bool json)
    {
        if (call == BuildCall.Check)
        {
            return CheckCommand.Print(env, definition, json);
        }

        var graph = definition.Graph;
        if (!graph.Succeeded)
        {
            env.Error.Write(DiagnosticFormatter.FormatAll(graph.Diagnostics, definition.SourceLines));
            return 1;
        }

        if (call == BuildCall.Targets)
        {
            var targets = BuildOutline.Targets(graph.Graph!);
            env.Out.Write(json ? OutlineFormatter.ToJson(targets) + "\n" : OutlineFormatter.Text(targets));
        }
        else
        {
            var outline = BuildOutline.For(graph.Graph!, definition.Source.BuildArgs, definition.Document.Syntax.EscapeToken);
            env.Out.Write(json ? OutlineFormatter.ToJson(outline) + "\n" : OutlineFormatter.Text(outline));
        }

        return 0;
    }
}
