using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Dockerfile;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Instructions;
using Slipway.Dockerfile.Outline;
using Slipway.Oci;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway build --call outline|targets [--format json] [-f FILE] [--target T] [--build-arg K=V] CONTEXT</c>:
/// what <c>docker buildx build --call</c> answers, without building. The logic lives in Slipway.Dockerfile.</summary>
internal static class BuildCommand
{
    public static Command Create(GlobalOptions globals, ICliEnvironment env)
    {
        var run = new BuildRunOptions();
        var context = new Argument<string>("CONTEXT") { Description = "The build context directory" };
        var file = new Option<string?>("--file", "-f") { Description = "The Dockerfile (default: CONTEXT/Dockerfile)", HelpName = "FILE" };
        var target = new Option<string?>("--target") { Description = "The stage to build (default: the last one)", HelpName = "STAGE" };
        var buildArgs = new Option<string[]>("--build-arg") { Description = "Set a build ARG (KEY=VALUE, or KEY to take it from the environment)", HelpName = "KEY=VALUE" };
        var call = new Option<string?>("--call") { Description = "Answer a question instead of building: outline, targets or check", HelpName = "outline|targets|check" };
        call.AcceptOnlyFromAmong("outline", "targets", "check");
        var check = new Option<bool>("--check") { Description = "Run the build checks without building (shorthand for --call=check)" };
        var format = new Option<string>("--format") { Description = "Output format for --call: text or json", DefaultValueFactory = _ => "text", HelpName = "text|json" };
        format.AcceptOnlyFromAmong("text", "json");

        var command = new Command("build", "Build an image from a Dockerfile");
        command.Arguments.Add(context);
        command.Options.Add(file);
        command.Options.Add(target);
        command.Options.Add(buildArgs);
        command.Options.Add(call);
        command.Options.Add(check);
        command.Options.Add(format);
        foreach (var option in run.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            var what = parse.GetValue(check) ? "check" : parse.GetValue(call);
            if (CheckCommand.MissingContext(parse.GetValue(context)!) is { } missing)
            {
                return ErrorRenderer.Fail(env.Error, missing);
            }

            var path = parse.GetValue(file) ?? Path.Join(parse.GetValue(context), "Dockerfile");
            string text;
            try
            {
                // -f - reads the Dockerfile from standard input, as docker build does.
                text = parse.GetValue(file) == "-" ? env.In.ReadToEnd() : File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return ErrorRenderer.Fail(env.Error, $"failed to read dockerfile: {ErrorText.Describe(e, path)}");
            }

            var args = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var kv in parse.GetValue(buildArgs) ?? [])
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

            var contextDir = parse.GetValue(context)!;
            var dockerfilePath = parse.GetValue(file) switch
            {
                null => Path.Join(contextDir, "Dockerfile"),
                "-" => null,
                _ => path,
            };
            if (what == "check")
            {
                return CheckCommand.Run(env, text, path, contextDir, dockerfilePath, parse.GetValue(target), args, parse.GetValue(format) == "json");
            }

            if (what is null)
            {
                if (!CheckCommand.WarnBeforeBuild(env, text, path, contextDir, dockerfilePath, parse.GetValue(target), args,
                        quiet: parse.GetValue(run.Quiet) || parse.GetValue(run.Progress) == "quiet"))
                {
                    return 1;
                }

                return await CommandContext.RunAsync(globals, env, parse,
                    (ctx, token) => BuildRun.RunAsync(ctx, run, contextDir, dockerfilePath, text, parse.GetValue(target), args, token), ct)
                    .ConfigureAwait(false);
            }

            var document = DockerfileDocument.Parse(text, Path.GetFileName(path));
            var graph = document.BuildGraph(new StageGraphOptions { Target = parse.GetValue(target), BuildArgs = args });
            if (!graph.Succeeded)
            {
                env.Error.Write(DiagnosticFormatter.FormatAll(graph.Diagnostics, document.Syntax.SourceLines));
                return 1;
            }

            var json = parse.GetValue(format) == "json";
            if (what == "targets")
            {
                var targets = BuildOutline.Targets(graph.Graph!);
                env.Out.Write(json ? OutlineFormatter.ToJson(targets) + "\n" : OutlineFormatter.Text(targets));
            }
            else
            {
                var outline = BuildOutline.For(graph.Graph!, args, document.Syntax.EscapeToken);
                env.Out.Write(json ? OutlineFormatter.ToJson(outline) + "\n" : OutlineFormatter.Text(outline));
            }

            return 0;
        });
        return command;
    }
}
