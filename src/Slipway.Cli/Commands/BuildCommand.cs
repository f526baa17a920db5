using System.CommandLine;
using Slipway.Build.Engine;
using Slipway.Build.Export;
using Slipway.Build.Pipeline;
using Slipway.Cli.Output;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway build [OPTIONS] CONTEXT</c>: a request checked once from the command line, the Dockerfile
/// understood once, then either an answer (<c>--call outline|targets|check</c>) or a build and its exports.</summary>
internal static class BuildCommand
{
    public static Command Create(GlobalOptions globals, ICliEnvironment env)
    {
        var options = new BuildCommandOptions();
        var command = new Command("build", "Build an image from a Dockerfile");
        command.Arguments.Add(options.Context);
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) => RunAsync(globals, env, options, parse, ct));
        return command;
    }

    /// <summary>request → definition → (answer, or checks → builder → exporters → what is printed after).</summary>
    private static async Task<int> RunAsync(GlobalOptions globals, ICliEnvironment env, BuildCommandOptions options, ParseResult parse,
        CancellationToken cancellationToken)
    {
        if (BuildRequestParser.Parse(parse, options, env, out var errors) is not { } invocation)
        {
            foreach (var error in errors)
            {
                ErrorRenderer.Fail(env.Error, error);
            }

            return 1;
        }

        var request = invocation.Request;
        if (DockerfileInput.Load(env, request.Options.Source) is not { } definition)
        {
            return 1;
        }

        if (invocation.Call != BuildCall.Build)
        {
            return BuildQuestions.Answer(env, definition, invocation.Call, invocation.Json);
        }

        if (!CheckCommand.WarnBeforeBuild(env, definition, invocation.Quiet))
        {
            return 1;
        }

        foreach (var warning in invocation.Warnings)
        {
            env.Error.WriteLine($"WARNING: {warning}");
        }

        return await CommandContext.RunAsync(globals, env, parse, definition.SourceLines, async (ctx, token) =>
        {
            ctx.InsecureRegistries = invocation.InsecureRegistries;
            var view = new BuildProgressView(ctx.Env, invocation.Progress, invocation.Quiet, invocation.ExplainCache);
            var builder = new Builder(ctx.Store, ctx.Clients, view.Progress);
            var result = await view.ShowAsync(() => builder.BuildAsync(definition, request.Options, token)).ConfigureAwait(false);
            BuildSummary.WriteBuilt(ctx, invocation, result);
            var lines = new ExportLines(ctx.Env.Error, invocation.Quiet);
            var exporters = Exporters.For(request.Outputs, result.Tags, new ExportTargets(ctx.Store, ctx.Clients, ctx.OpenOutput, lines) { Engine = request.Engine });
            await new BuildExport(ctx.Store, lines, SlipwayApp.Version)
                .RunAsync(result.Image, result.Index, result.Tags, exporters, request.Attachments, definition.SourceDateEpoch ?? request.Options.SourceDateEpoch, token).ConfigureAwait(false);
            await BuildSummary.WriteReportsAsync(ctx, request, result, token).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }
}
