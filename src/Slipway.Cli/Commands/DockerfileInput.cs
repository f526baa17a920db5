using Slipway.Build.Definition;
using Slipway.Cli.Output;
using Slipway.Oci;

namespace Slipway.Cli.Commands;

/// <summary>Reads a build's Dockerfile (a file, or standard input for <c>-f -</c>) and makes its one
/// <see cref="BuildDefinition"/>, for <c>build</c> and <c>check</c> alike (and the text alone for <c>dockerfile parse</c>).</summary>
internal static class DockerfileInput
{
    /// <summary>The definition, or null when the file cannot be read (the reason is printed).</summary>
    public static BuildDefinition? Load(ICliEnvironment env, DefinitionSource source) =>
        TryRead(env, source.DockerfilePath, out var text) ? BuildDefinition.Create(text, source) : null;

    /// <summary>The Dockerfile at <paramref name="path"/> (null: standard input); false when it cannot be read, with
    /// the reason printed.</summary>
    public static bool TryRead(ICliEnvironment env, string? path, out string text)
    {
        try
        {
            text = path is null ? env.In.ReadToEnd() : File.ReadAllText(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ErrorRenderer.Fail(env.Error, $"failed to read dockerfile: {ErrorText.Describe(e, path ?? "-")}");
            text = "";
            return false;
        }
    }
}
