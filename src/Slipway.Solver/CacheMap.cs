using Slipway.Oci;

namespace Slipway.Solver;

/// <summary>How an input of an op reaches the op's cache key.</summary>
public enum InputKeying
{
    /// <summary>Through the input's own cache key: anything that changed upstream of it changes this op's key.</summary>
    ByKey,

    /// <summary>Only through the content the op reads of it (part of <see cref="CacheMap.Content"/>), as BuildKit
    /// keys a copy by a checksum of its sources: an input that reran, or whose own inputs changed, and made the
    /// same content leaves this op cached.</summary>
    ByContent,
}

/// <summary>What an op is cached by, in the manner of BuildKit's <c>CacheMap</c>: its own digest, how each input
/// reaches its key, and the digest of what it reads from outside the graph. Computed once its inputs are solved
/// and handed back to <see cref="IOp{TResult}.ExecAsync"/>.</summary>
/// <param name="Digest">The operation's identity apart from its inputs (for a Dockerfile step: the instruction as
/// written and where it stands).</param>
public sealed record CacheMap(Digest Digest)
{
    /// <summary>Per input, by index; an input past the end of the list is keyed <see cref="InputKeying.ByKey"/>.</summary>
    public IReadOnlyList<InputKeying> Inputs { get; init; } = [];

    /// <summary>The digest of everything the op depends on besides its inputs' keys (the expanded instruction, the
    /// files it reads, a base image's digest …); null when nothing.</summary>
    public Digest? Content { get; init; }

    /// <summary>The name under which builds of this op are remembered, so that a miss can be explained against the
    /// last one (for a Dockerfile step: the same line of the same project); null to keep no history.</summary>
    public string? History { get; init; }

    /// <summary>What <see cref="Content"/> was made of, by name, for explaining a miss; opaque to the solver.</summary>
    public CacheFacts? Facts { get; init; }

    public InputKeying Keying(int index) => index < Inputs.Count ? Inputs[index] : InputKeying.ByKey;
}

/// <summary>The named parts of an op's content digest: values (<c>arg:NAME</c> → value …) in the order they were
/// hashed, and files (path → fingerprint). The solver only carries them between the op and the history.
/// <paramref name="Files"/> is null when the list was not kept (a history record whose file list was lost).</summary>
public sealed record CacheFacts(IReadOnlyList<KeyValuePair<string, string>> Values, IReadOnlyDictionary<string, string>? Files);
