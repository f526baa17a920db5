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

    /// <summary>Whether input <paramref name="index"/> reaches the key only through the content the executor reads
    /// of it (its content digest), not through the input's own key, as BuildKit keys a copy by a checksum of its
    /// sources: an input that reran, or whose own inputs changed, and made the same content leaves this vertex
    /// cached.</summary>
    public virtual bool KeyedByContent(int index) => false;

    public override string ToString() => Name;
}
