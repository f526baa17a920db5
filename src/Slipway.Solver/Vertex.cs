using Slipway.Oci;

namespace Slipway.Solver;

/// <summary>One operation of a build graph (a FROM, a RUN, a COPY …). The solver knows only its identity and its
/// inputs; what it does is its op's business (<see cref="IOp{TResult}"/>).</summary>
public abstract class Vertex
{
    protected Vertex(string name, IReadOnlyList<Vertex> inputs)
    {
        Name = name;
        Inputs = inputs;
    }

    /// <summary>What progress shows, e.g. <c>[builder 3/5] RUN go build</c>.</summary>
    public string Name { get; }

    public IReadOnlyList<Vertex> Inputs { get; }

    /// <summary>The operation's own identity: everything that defines it apart from its inputs' results (the
    /// instruction as written and its place). Progress names the vertex by it.</summary>
    public abstract Digest OperationDigest { get; }

    /// <summary>Why this vertex runs even when the cache holds its result (<c>--no-cache</c>), or null when the cache
    /// may answer it.</summary>
    public virtual string? IgnoreCache => null;

    public override string ToString() => Name;
}
