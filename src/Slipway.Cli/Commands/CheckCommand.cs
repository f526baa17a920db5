using System.CommandLine;
using Slipway.Build.Definition;
using Slipway.Cli.Output;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Lint;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway check [-f FILE] [--target T] [--build-arg K=V] [--format text|json] CONTEXT</c>: the build
/// checks without a build, as <c>docker buildx build --call check</c> runs them. Exit status 1 when any check fires
/// (as buildx), when the file does not parse, or when the check configuration is malformed.</summary>
internal static class CheckCommand
{
    public static Command Create(ICliEnvironment env)
    {
        var context = new Argument<string>("CONTEXT") { Description = "The build context directory" };
        var file = new Option<string?>("--file", "-f") { Description = "The Dockerfile (default: CONTEXT/Dockerfile)", HelpName = "FILE" };
        var target = new Option<string?>("--target") { Description = "The stage to check as the final one (default: the last one)", HelpName = "STAGE" };
        var buildArgs = new Option<string[]>("--build-arg") { Description = "A build ARG the build would get (KEY=VALUE, or KEY to take it from the environment)", HelpName = "KEY=VALUE" };
        var format = new Option<string>("--format") { Description = "Output format: text or json", DefaultValueFactory = _ => "text", HelpName = "text|json" };
        format.AcceptOnlyFromAmong("text", "json");

        var command = new Command("check", "Run the build checks on a Dockerfile without building");
        command.Arguments.Add(context);
        command.Options.Add(file);
        command.Options.Add(target);
        command.Options.Add(buildArgs);
        command.Options.Add(format);
        command.SetAction(parse =>
        {
            List<string> errors = [];
            var source = BuildRequestParser.Source(env, parse.GetValue(context)!, parse.GetValue(file), parse.GetValue(target), parse.GetValue(buildArgs), errors);
            if (errors.Count > 0)
            {
                return ErrorRenderer.Fail(env.Error, errors[0]);
            }

            var definition = DockerfileInput.Load(env, source);
            return definition is null ? 1 : Print(env, definition, parse.GetValue(format) == "json");
        });
        return command;
    }

    /// <summary>What <c>check</c> and <c>build --check</c> print and return.</summary>
    internal static int Print(ICliEnvironment env, BuildDefinition definition, bool json)
    {
        WarnFrontend(env, definition);
        if (definition.Checks is not { } report)
        {
            env.Error.Write(DiagnosticFormatter.FormatAll(definition.Document.Diagnostics, definition.SourceLines));
            return 1;
        }

        if (json)
        {
            env.Out.WriteLine(LintFormatter.Json(report));
        }
        else
        {
            env.Out.Write(LintFormatter.Text(report, definition.SourceLines));
            if (report.ConfigError is not null)
            {
                ErrorRenderer.Fail(env.Error, report.ConfigError);
            }

            env.Out.WriteLine(LintFormatter.Summary(report));
        }

        return report.Findings.Count > 0 || report.Failed ? 1 : 0;
    }

    /// <summary>A <c># syntax=</c> naming another frontend: said once, with its line, before anything else.</summary>
    private static void WarnFrontend(ICliEnvironment env, BuildDefinition definition)
    {
        if (definition.FrontendWarning is { } warning)
        {
            env.Error.WriteLine(warning.Line > 0
                ? $"WARNING: {definition.Source.DockerfileName}:{warning.Line}: {warning.Message}"
                : $"WARNING: {warning.Message}");
        }
    }

    /// <summary>Before a build: print what fired as warnings (buildx's "N warnings found"), and say whether the build
    /// may go on (<c># check=error=true</c> stops it). <paramref name="quiet"/> keeps the warnings, not the failure, quiet.</summary>
    internal static bool WarnBeforeBuild(ICliEnvironment env, BuildDefinition definition, bool quiet)
    {
        if (!quiet)
        {
            WarnFrontend(env, definition);
        }

        if (definition.Checks is not { } report)
        {
            // The build reports parse errors itself, with its own context.
            return true;
        }

        if (report.Findings.Count > 0 && !quiet)
        {
            env.Error.Write(LintFormatter.Text(report, definition.SourceLines));
            env.Error.WriteLine(report.Findings.Count == 1 ? "1 warning found" : $"{report.Findings.Count} warnings found");
        }

        if (report.Failed)
        {
            ErrorRenderer.Fail(env.Error, report.FailureMessage);
            return false;
        }

        return true;
    }
}
