namespace Slipway.Solver;

/// <summary>Why a vertex ran instead of coming from the cache. <see cref="Text"/> is what progress prints after
/// <c>cache miss:</c> and what <c>--explain-cache</c> reports.</summary>
public abstract record MissReason
{
    private MissReason()
    {
    }

    public abstract string Text { get; }

    public sealed override string ToString() => Text;

    /// <summary>Nothing to compare with: the op was never built here (progress leaves this one out).</summary>
    public sealed record NoPreviousBuild : MissReason
    {
        public override string Text => "no previous build of this step";
    }

    /// <summary>The vertex must run whatever the cache holds.</summary>
    /// <param name="Because">The flag that says so: <c>--no-cache</c>, <c>--no-cache-filter STAGE</c>.</param>
    public sealed record NotCacheable(string Because) : MissReason
    {
        public override string Text => Because;
    }

    /// <summary>What the op depends on itself changed since its last build.</summary>
    public sealed record InputsChanged(IReadOnlyList<string> Changes) : MissReason
    {
        public override string Text => string.Join("; ", Changes);
    }

    /// <summary>Only an input's key changed: <paramref name="Origin"/> names the vertex where the change began and why.</summary>
    public sealed record ParentChanged(string Origin) : MissReason
    {
        public override string Text => "parent step changed: " + Origin;
    }

    /// <summary>The same key as last time, but its result is gone (pruned, or its content collected).</summary>
    public sealed record Evicted : MissReason
    {
        public override string Text => "its cached result is no longer in the store";
    }

    /// <summary>Inputs and parents as last time under another key: the op moved, or the key recipe changed.</summary>
    public sealed record RecipeChanged : MissReason
    {
        public override string Text => "the step moved in its stage or the cache key recipe changed";
    }
}
