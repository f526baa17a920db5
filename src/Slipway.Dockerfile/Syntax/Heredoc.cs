namespace Slipway.Dockerfile.Syntax;

/// <summary>A here-document attached to RUN, COPY or ADD. <see cref="Content"/> is stored raw, exactly as
/// written (line endings included, no tab stripping, no expansion): <see cref="Chomp"/> and <see cref="Expand"/>
/// are applied by later stages, as BuildKit does.</summary>
public sealed record Heredoc(string Name, string Content, bool Expand, bool Chomp, int FileDescriptor)
{
    /// <summary>The content with leading tabs removed from every line (what <c>&lt;&lt;-</c> asks for).</summary>
    public string ChompedContent => Chomp ? HeredocWords.ChompContent(Content) : Content;
}
