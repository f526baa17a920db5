using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Instructions;

/// <summary>What COPY and ADD share: sources (paths and inline heredoc files) and a destination, plus the
/// common flags.</summary>
public sealed record SourcesAndDest(IReadOnlyList<string> SourcePaths, IReadOnlyList<Heredoc> SourceContents,
    string Dest);

public sealed record CopyOptions(string? Chown, string? Chmod, bool Link, bool Parents, IReadOnlyList<string> Excludes);

public sealed record CopyInstruction(SourcesAndDest Sources, string? From, CopyOptions Options) : Instruction;

public sealed record AddInstruction(SourcesAndDest Sources, CopyOptions Options, string? Checksum, bool? KeepGitDir,
    bool? Unpack) : Instruction;
