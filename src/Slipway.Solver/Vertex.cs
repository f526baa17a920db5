using Slipway.Oci;

namespace Slipway.Solver;

/// <summary>One operation of a build graph (a FROM, a RUN, a COPY …). The solver knows only its identity and its
/// inputs; what it does is the executor's business.</summary>
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
    /// expanded instruction, its flags, the env and args it can see, the platform).</summary>
    public abstract Digest OperationDigest { get; }

    /// <summary>Whether this vertex may be answered from the cache (false for <c>--no-cache</c>).</summary>
    public virtual bool Cacheable => true;

    public override string ToString() => Name;
}
