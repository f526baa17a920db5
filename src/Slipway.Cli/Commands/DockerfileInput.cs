using Slipway.Build.Definition;
using Slipway.Cli.Output;
using Slipway.Oci;

namespace Slipway.Cli.Commands;

/// <summary>Reads a build's Dockerfile (a file, or standard input for <c>-f -</c>) and makes its one
/// <see cref="BuildDefinition"/>, for <c>build</c> and <c>check</c> alike.</summary>
internal static class DockerfileInput
{
    /// <summary>The definition, or null when the file cannot be read (the reason is printed).</summary>
    public static BuildDefinition? Load(ICliEnvironment env, DefinitionSource source)
    {
        string text;
        try
        {
            text = source.DockerfilePath is { } path ? File.ReadAllText(path) : env.In.ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ErrorRenderer.Fail(env.Error, $"failed to read dockerfile: {ErrorText.Describe(e, source.DockerfilePath ?? "-")}");
            return null;
        }

        return BuildDefinition.Create(text, source);
    }
}
