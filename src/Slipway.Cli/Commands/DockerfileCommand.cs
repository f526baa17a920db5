using System.CommandLine;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway dockerfile parse [--format json|dump] FILE</c>: the syntax tree of a Dockerfile, as BuildKit's
/// parser sees it. A syntax error prints the located diagnostic on stderr and exits 1.</summary>
internal static class DockerfileCommand
{
    public static Command Create(ICliEnvironment env)
    {
        var command = new Command("dockerfile", "Inspect Dockerfiles");
        command.Subcommands.Add(CreateParse(env));
        return command;
    }

    private static Command CreateParse(ICliEnvironment env)
    {
        var file = new Argument<string>("FILE") { Description = "The Dockerfile to parse" };
        var format = new Option<string>("--format")
        {
            Description = "Output format: dump (BuildKit's s-expressions) or json (the syntax tree, see docs/dockerfile.md)",
            DefaultValueFactory = _ => "dump",
            HelpName = "json|dump",
        };
        format.AcceptOnlyFromAmong("json", "dump");
        var command = new Command("parse", "Parse a Dockerfile and print its syntax tree");
        command.Arguments.Add(file);
        command.Options.Add(format);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (!DockerfileInput.TryRead(env, path, out var text))
            {
                return 1;
            }

            var result = DockerfileParser.Parse(text, Path.GetFileName(path));
            if (result.Error is not null)
            {
                env.Error.Write(DiagnosticFormatter.Format(result.Error, result.SourceLines));
                return 1;
            }

            if (parse.GetValue(format) == "json")
            {
                env.Out.WriteLine(SyntaxTreeJson.Serialize(result));
                return 0;
            }

            foreach (var warning in result.Warnings)
            {
                env.Error.WriteLine($"{result.File}:{warning.Line}: warning: {warning.Message}");
            }

            env.Out.WriteLine(NodeDump.Dump(result.Children));
            return 0;
        });
        return command;
    }
}
