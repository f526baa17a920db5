using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint;

/// <summary>A stage as the checks see it: its FROM and body as written, and which earlier stages it builds on or
/// copies from. Built without the stage graph, so a file the graph rejects (a duplicate name) is still checked.</summary>
public sealed record LintStage(int Index, FromInstruction From, IReadOnlyList<Instruction> Body)
{
    /// <summary>The stage name as written (case kept), or null.</summary>
    public string? WrittenName => From.Node.Args.Count == 3 ? From.Node.Args[2] : null;

    public string? Name => From.StageName;

    /// <summary>The earlier stage its FROM names, if any.</summary>
    public int? BaseStage { get; init; }

    /// <summary>Stages it needs: its base, <c>COPY --from</c>, <c>RUN --mount=from=</c>.</summary>
    public IReadOnlySet<int> Dependencies { get; init; } = new HashSet<int>();

    public bool IsScratch => BaseStage is null && string.Equals(From.BaseName, "scratch", StringComparison.OrdinalIgnoreCase);

    public string DisplayName => Name ?? Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
