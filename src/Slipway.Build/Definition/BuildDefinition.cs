using Slipway.Build.Context;
using Slipway.Dockerfile;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Instructions;
using Slipway.Dockerfile.Lint;
using Slipway.Dockerfile.Syntax;
using Slipway.Oci;

namespace Slipway.Build.Definition;

/// <summary>A build's Dockerfile understood once: its syntax and instructions, the stage graph for the target, the
/// build checks' report and the context's <c>.dockerignore</c>. The build, <c>--check</c> and <c>--call</c> all
/// read this one; nothing parses the file or reads the ignore file again.</summary>
public sealed class BuildDefinition
{
    private BuildDefinition(DefinitionSource source, DockerfileDocument document, StageGraphResult graph, DockerIgnore ignore,
        LintReport? checks)
    {
        Source = source;
        Document = document;
        Graph = graph;
        Ignore = ignore;
        Checks = checks;
        SourceDateEpoch = graph.Graph is { } stages ? Dockerfile.Instructions.SourceDateEpoch.Resolve(stages, source.BuildArgs, out _epochError) : null;
        FrontendWarning = FrontendDirective.Check(document.Syntax, source.BuildArgs);
    }

    private readonly string? _epochError;
    private IReadOnlyList<BuildDefinition>? _perPlatform;

    public DefinitionSource Source { get; }

    public DockerfileDocument Document { get; }

    /// <summary>The stages the target needs, with the build's platform ARGs, or the mistakes that prevent it.</summary>
    public StageGraphResult Graph { get; }

    public DockerIgnore Ignore { get; }

    /// <summary>What the build checks found, against the context's facts; null when the file does not parse
    /// (<see cref="DockerfileDocument.Diagnostics"/> says why, and the build reports it).</summary>
    public LintReport? Checks { get; }

    public IReadOnlyList<string> SourceLines => Document.Syntax.SourceLines;

    /// <summary>The build's SOURCE_DATE_EPOCH, from its build argument or a global ARG, as BuildKit's frontend reads
    /// it; null when none is set.</summary>
    public DateTimeOffset? SourceDateEpoch { get; }

    /// <summary>The warning for a <c># syntax=</c> (or BUILDKIT_SYNTAX) naming a frontend other than the built-in one.</summary>
    public ParseWarning? FrontendWarning { get; }

    /// <summary>Why the Dockerfile cannot be built as written, as the build words it: the syntax error alone, else
    /// the stage graph's errors (all its diagnostics when none is an error); null when it can be built.</summary>
    public string? BuildError
    {
        get
        {
            if (Document.Syntax.Error is { } parseError)
            {
                return DiagnosticFormatter.Format(parseError, SourceLines);
            }

            var errors = Graph.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            return Graph.Graph is null || errors.Count > 0
                ? DiagnosticFormatter.FormatAll(errors.Count > 0 ? errors : Graph.Diagnostics, SourceLines)
                : _epochError;
        }
    }

    /// <summary>One definition per platform of <see cref="DefinitionSource.Platforms"/>, in order, each with its own
    /// stage graph (TARGETPLATFORM, TARGETOS, TARGETARCH and TARGETVARIANT are that platform's; BUILDPLATFORM is the
    /// host's), sharing this one's checks and ignore file. A one-platform definition is its own only one.</summary>
    public IReadOnlyList<BuildDefinition> PerPlatform => _perPlatform ??= Source.Platforms.Count == 1
        ? [this]
        : [.. Source.Platforms.Select(p =>
        {
            var source = Source with { Platform = p };
            return new BuildDefinition(source, Document, StagesFor(Document, source), Ignore, Checks);
        })];

    /// <summary>Parses <paramref name="text"/>, builds its stage graph, reads the ignore file and runs the checks.
    /// Never throws for any Dockerfile text; a mistake is a diagnostic, a bad ignore file <see cref="DockerIgnore.Error"/>.</summary>
    public static BuildDefinition Create(string text, DefinitionSource source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        var document = DockerfileDocument.Parse(text, source.DockerfileName);
        var graph = StagesFor(document, source);
        var ignore = ContextIgnore.Read(source.ContextDir, source.DockerfilePath);
        var checks = document.Diagnostics.Count > 0
            ? null
            : Linter.Run(document, ContextFacts.Read(source.ContextDir, ignore, source.BuildArgs, source.Target));
        return new BuildDefinition(source, document, graph, ignore, checks);
    }

    private static StageGraphResult StagesFor(DockerfileDocument document, DefinitionSource source) => document.BuildGraph(new StageGraphOptions
    {
        Target = source.Target,
        BuildArgs = source.BuildArgs,
        BuildPlatform = Platform.Host.ToString(),
        TargetPlatform = source.Platform.ToString(),
        ReplacesStage = source.NamedContexts.Count == 0 ? null : name => NamedContext.Find(source.NamedContexts, name) is not null,
    });
}
