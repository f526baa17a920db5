using System.CommandLine;
using Slipway.Build.Context;
using Slipway.Cli.Output;
using Slipway.Dockerfile;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Lint;
using Slipway.Oci;

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
            var contextDir = parse.GetValue(context)!;
            if (MissingContext(contextDir) is { } missing)
            {
                return ErrorRenderer.Fail(env.Error, missing);
            }

            var written = parse.GetValue(file);
            var path = written ?? Path.Join(contextDir, "Dockerfile");
            string text;
            try
            {
                text = written == "-" ? env.In.ReadToEnd() : File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return ErrorRenderer.Fail(env.Error, $"failed to read dockerfile: {ErrorText.Describe(e, path)}");
            }

            var args = ParseBuildArgs(env, parse.GetValue(buildArgs));
            return Run(env, text, path, contextDir, written == "-" ? null : path, parse.GetValue(target), args, parse.GetValue(format) == "json");
        });
        return command;
    }

    /// <summary>What buildx says of a context directory that is not there (null when it is).</summary>
    internal static string? MissingContext(string contextDir) =>
        Directory.Exists(contextDir) ? null : $"unable to prepare context: path \"{contextDir}\" not found";

    /// <summary>KEY=VALUE, or KEY taken from the environment (skipped when unset), as docker build reads them.</summary>
    internal static Dictionary<string, string> ParseBuildArgs(ICliEnvironment env, IEnumerable<string>? values)
    {
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in values ?? [])
        {
            var eq = kv.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                args[kv[..eq]] = kv[(eq + 1)..];
            }
            else if (env.GetVariable(kv) is { } fromEnv)
            {
                args[kv] = fromEnv;
            }
        }

        return args;
    }

    /// <summary>What <c>check</c> and <c>build --check</c> print and return.</summary>
    internal static int Run(ICliEnvironment env, string text, string path, string contextDir, string? dockerfilePath, string? target,
        IReadOnlyDictionary<string, string> args, bool json)
    {
        var (document, report) = Lint(text, path, contextDir, dockerfilePath, target, args);
        if (report is null)
        {
            env.Error.Write(DiagnosticFormatter.FormatAll(document.Diagnostics, document.Syntax.SourceLines));
            return 1;
        }

        if (json)
        {
            env.Out.WriteLine(LintFormatter.Json(report));
        }
        else
        {
            env.Out.Write(LintFormatter.Text(report, document.Syntax.SourceLines));
            if (report.ConfigError is not null)
            {
                ErrorRenderer.Fail(env.Error, report.ConfigError);
            }

            env.Out.WriteLine(LintFormatter.Summary(report));
        }

        return report.Findings.Count > 0 || report.Failed ? 1 : 0;
    }

    /// <summary>Before a build: print what fired as warnings (buildx's "N warnings found"), and say whether the build
    /// may go on (<c># check=error=true</c> stops it). <paramref name="quiet"/> keeps the warnings, not the failure, quiet.</summary>
    internal static bool WarnBeforeBuild(ICliEnvironment env, string text, string path, string contextDir, string? dockerfilePath, string? target,
        IReadOnlyDictionary<string, string> args, bool quiet)
    {
        var (document, report) = Lint(text, path, contextDir, dockerfilePath, target, args);
        if (report is null)
        {
            // The build reports parse errors itself, with its own context.
            return true;
        }

        if (report.Findings.Count > 0 && !quiet)
        {
            env.Error.Write(LintFormatter.Text(report, document.Syntax.SourceLines));
            env.Error.WriteLine(report.Findings.Count == 1 ? "1 warning found" : $"{report.Findings.Count} warnings found");
        }

        if (report.Failed)
        {
            ErrorRenderer.Fail(env.Error, report.FailureMessage);
            return false;
        }

        return true;
    }

    /// <summary>The Dockerfile parsed and linted against its context; no report when it does not parse.</summary>
    private static (DockerfileDocument Document, LintReport? Report) Lint(string text, string path, string contextDir, string? dockerfilePath,
        string? target, IReadOnlyDictionary<string, string> args)
    {
        var document = DockerfileDocument.Parse(text, path == "-" ? "Dockerfile" : Path.GetFileName(path));
        return document.Diagnostics.Count > 0
            ? (document, null)
            : (document, Linter.Run(document, ContextFacts.Read(contextDir, dockerfilePath, args, target)));
    }
}
