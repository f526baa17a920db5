using Slipway.Oci;

namespace Slipway.Dockerfile.Syntax;

/// <summary>The frontend a build asks for: <c>--build-arg BUILDKIT_SYNTAX=</c>, else the <c># syntax=</c> directive
/// (BuildKit's order). BuildKit fetches that image and hands it the build; Slipway has one frontend, built in, that
/// reads Dockerfile syntax as <c>docker/dockerfile</c> does, so any other frontend is named in a warning and the file
/// is built with the built-in one.</summary>
public static class FrontendDirective
{
    /// <summary>The build argument that overrides the directive, as in BuildKit.</summary>
    public const string BuildArgName = "BUILDKIT_SYNTAX";

    /// <summary>The warning for a build that asks for another frontend (with the directive's line when it came from
    /// the file), or null when it asks for none or for <c>docker/dockerfile</c> with any tag or digest.</summary>
    public static ParseWarning? Check(ParseResult syntax, IReadOnlyDictionary<string, string> buildArgs)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(buildArgs);
        if (buildArgs.TryGetValue(BuildArgName, out var fromArg) && fromArg.Length > 0)
        {
            var name = Ref(fromArg);
            return IsBuiltIn(name) ? null
                : new ParseWarning($"--build-arg {BuildArgName}={fromArg} names the frontend \"{name}\"; it is not fetched: the built-in Dockerfile frontend is used", 0);
        }

        // BuildKit's DetectSyntax, not the parser's directives: it skips a #! line and reads // syntax= too.
        var found = DirectiveParser.DetectSyntax(string.Join('\n', syntax.SourceLines));
        if (!found.Found || found.Ref.Length == 0)
        {
            return null;
        }

        return IsBuiltIn(found.Ref) ? null
            : new ParseWarning($"# syntax={found.CommandLine} names the frontend \"{found.Ref}\"; it is not fetched: the built-in Dockerfile frontend is used",
                found.Line);
    }

    /// <summary>docker/dockerfile (docker.io/docker/dockerfile), any tag or digest.</summary>
    public static bool IsBuiltIn(string reference) =>
        ImageReference.TryParseNormalized(reference, out var parsed, out _) && parsed.Name == "docker.io/docker/dockerfile";

    /// <summary>The value up to the first space, as BuildKit's DetectSyntax takes the ref.</summary>
    private static string Ref(string value)
    {
        var trimmed = value.Trim();
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? trimmed : trimmed[..space];
    }
}
