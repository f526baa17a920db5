namespace Slipway.Dockerfile.Lint;

/// <summary>Which checks run and whether a finding fails the build, from <c># check=skip=A,B;error=true;experimental=C</c>
/// or the <c>BUILDKIT_DOCKERFILE_CHECK</c> build arg (same syntax; it replaces the directive), as BuildKit reads them.</summary>
public sealed record CheckConfig
{
    public const string BuildArgName = "BUILDKIT_DOCKERFILE_CHECK";

    public IReadOnlySet<string> Skip { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public bool SkipAll { get; init; }

    public IReadOnlySet<string> Experimental { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public bool AllExperimental { get; init; }

    /// <summary>A finding fails the build (<c>error=true</c>).</summary>
    public bool Error { get; init; }

    public static CheckConfig Default { get; } = new();

    public bool Runs(LintRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (SkipAll || Skip.Contains(rule.Id))
        {
            return false;
        }

        return rule.EnabledByDefault || AllExperimental || Experimental.Contains(rule.Id);
    }

    /// <summary>Parses the option string; a malformed one is a user mistake, returned in <paramref name="error"/>.</summary>
    public static CheckConfig? Parse(string value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(value);
        error = null;
        var config = new CheckConfig();
        var skip = new HashSet<string>(StringComparer.Ordinal);
        var experimental = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in value.Split(';'))
        {
            var field = part.Trim();
            if (field.Length == 0)
            {
                continue;
            }

            var eq = field.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                error = $"invalid check option \"{field}\": expected key=value";
                return null;
            }

            var key = field[..eq].Trim().ToLowerInvariant();
            var val = field[(eq + 1)..].Trim();
            switch (key)
            {
                case "skip":
                    skip.UnionWith(Names(val));
                    break;
                case "experimental":
                    experimental.UnionWith(Names(val));
                    break;
                case "error":
                    if (!bool.TryParse(val, out var fail))
                    {
                        error = $"invalid check option error=\"{val}\": expected true or false";
                        return null;
                    }

                    config = config with { Error = fail };
                    break;
                default:
                    error = $"invalid check option \"{key}\" (expected skip, error or experimental)";
                    return null;
            }
        }

        // "all" stays in the sets as written; it also switches the whole list.
        return config with
        {
            Skip = skip,
            SkipAll = skip.Contains("all"),
            Experimental = experimental,
            AllExperimental = experimental.Contains("all"),
        };
    }

    private static IEnumerable<string> Names(string value) =>
        value.Split(',').Select(n => n.Trim()).Where(n => n.Length > 0);
}
