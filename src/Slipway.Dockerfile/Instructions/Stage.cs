namespace Slipway.Dockerfile.Instructions;

/// <summary>One build stage: its FROM (base already expanded with the global ARGs) and its instructions.</summary>
public sealed record Stage
{
    public required int Index { get; init; }

    /// <summary>The stage name in lower case (stage names are case-insensitive), or null.</summary>
    public string? Name { get; init; }

    public required FromInstruction From { get; init; }

    /// <summary>The base after expansion: an image reference, a stage name, or <c>scratch</c>.</summary>
    public required string BaseName { get; init; }

    /// <summary>The stage this one builds on, when its base names an earlier stage.</summary>
    public int? BaseStage { get; init; }

    /// <summary>The <c>--platform</c> of FROM after expansion.</summary>
    public string? Platform { get; init; }

    public required IReadOnlyList<Instruction> Instructions { get; init; }

    /// <summary>A named build context stands in for this stage (<see cref="StageGraphOptions.ReplacesStage"/>): its
    /// instructions are not run and it needs nothing else.</summary>
    public bool Replaced { get; init; }

    /// <summary>Stages this stage needs: its base, <c>COPY --from</c> and <c>RUN --mount=from=</c>.</summary>
    public IReadOnlyList<int> Dependencies { get; init; } = [];

    /// <summary>Images it needs besides its base: <c>COPY --from=image</c>, <c>RUN --mount=from=image</c>.</summary>
    public IReadOnlyList<string> ExternalImages { get; init; } = [];

    /// <summary>The ARGs the stage declares, in order, with the value each has at the end of the stage's ARG
    /// declarations: a <c>--build-arg</c>, else the default (expanded with the stage's earlier ARGs), else the global
    /// ARG of that name, else the automatic platform value. ENV is not taken into account here.</summary>
    public IReadOnlyList<StageArg> Args { get; init; } = [];

    /// <summary>The comment lines right above FROM (what <c>--call targets</c> shows).</summary>
    public IReadOnlyList<string> Comments => From.Node.PrevComments;

    /// <summary>A name for messages: the stage name or its index.</summary>
    public string DisplayName => Name ?? Index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public bool IsExternalBase => !Replaced && BaseStage is null && !string.Equals(BaseName, "scratch", StringComparison.OrdinalIgnoreCase);
}

/// <summary>An ARG declared inside a stage and its value (null when unset).</summary>
public sealed record StageArg(string Name, string? Value, ArgInstruction Instruction);

/// <summary>A global ARG (declared before the first FROM) with its value after build-args and expansion.</summary>
public sealed record GlobalArg(ArgDefinition Definition, string? Value, ArgInstruction Instruction);

/// <summary>What a stage graph is built for: the target stage, <c>--build-arg</c>s and the platforms that give
/// the automatic ARGs their values.</summary>
public sealed record StageGraphOptions
{
    public string? Target { get; init; }

    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>();

    public string BuildPlatform { get; init; } = "linux/amd64";

    public string? TargetPlatform { get; init; }

    /// <summary>Whether a stage of this name is replaced by a named build context (buildx's <c>--build-context
    /// NAME=…</c>): BuildKit then builds none of the stage, so it depends on nothing.</summary>
    public Func<string, bool>? ReplacesStage { get; init; }
}
