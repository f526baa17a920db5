using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class UndefinedVar
{
    /// <summary>Variables base images commonly set. The checks do not read image configs, so a stage on an image
    /// may use these without declaring them.</summary>
    internal static readonly IReadOnlySet<string> ImageVariables = new HashSet<string>(StringComparer.Ordinal)
    {
        "PATH", "HOME", "HOSTNAME", "TERM", "LANG", "LC_ALL", "USER", "SHELL", "GOPATH", "GOROOT", "GOLANG_VERSION",
        "GOTOOLCHAIN", "JAVA_HOME", "JAVA_VERSION", "NODE_VERSION", "YARN_VERSION", "PYTHON_VERSION", "PYTHON_SHA256",
        "PIP_VERSION", "RUST_VERSION", "CARGO_HOME", "RUSTUP_HOME", "DOTNET_VERSION", "ASPNET_VERSION", "MAVEN_HOME",
        "GPG_KEY", "RUBY_VERSION", "GEM_HOME", "BUNDLE_PATH",
    };

    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(UndefinedVar), "Variables should be defined before their use", Check);

    private static void Check(LintContext c, LintRule rule)
    {
        var envAtEnd = new HashSet<string>[c.Stages.Count];
        foreach (var stage in c.Stages)
        {
            // ENV carries over to stages built on this one; ARG does not.
            var defined = stage.BaseStage is { } b ? new HashSet<string>(envAtEnd[b], StringComparer.Ordinal) : new HashSet<string>(StringComparer.Ordinal);
            var env = new HashSet<string>(defined, StringComparer.Ordinal);
            var fromImage = !stage.IsScratch && c.Lineage(stage).Last().BaseStage is null && !c.Lineage(stage).Last().IsScratch;
            foreach (var instruction in stage.Body)
            {
                foreach (var word in Words(instruction))
                {
                    var result = c.Expand(word, n => defined.Contains(n) ? "" : null);
                    foreach (var name in result?.Unmatched ?? new HashSet<string>())
                    {
                        if (fromImage && ImageVariables.Contains(name))
                        {
                            continue;
                        }

                        var hint = Suggest.Hint(name, defined, caseSensitive: true);
                        var suggestion = hint.Length == 0 ? "" : $" (did you mean ${hint[" (did you mean ".Length..^2]}?)";
                        c.Report(rule, $"Usage of undefined variable '${name}'{suggestion}", instruction.Span);
                    }
                }

                switch (instruction)
                {
                    case ArgInstruction arg:
                        defined.UnionWith(arg.Args.Select(a => a.Name));
                        break;
                    case EnvInstruction e:
                        defined.UnionWith(e.Variables.Select(v => v.Key));
                        env.UnionWith(e.Variables.Select(v => v.Key));
                        break;
                }
            }

            envAtEnd[stage.Index] = env;
        }
    }

    /// <summary>The words the frontend expands (RUN, CMD and ENTRYPOINT are left to the shell).</summary>
    private static IEnumerable<string> Words(Instruction instruction) => instruction switch
    {
        CopyInstruction copy => [.. copy.Sources.SourcePaths, copy.Sources.Dest, .. Options(copy.Options)],
        AddInstruction add => [.. add.Sources.SourcePaths, add.Sources.Dest, .. Options(add.Options)],
        EnvInstruction env => env.Variables.Select(v => v.Value),
        LabelInstruction label => label.Labels.SelectMany(l => new[] { l.Key, l.Value }),
        ArgInstruction arg => arg.Args.Select(a => a.Default).OfType<string>(),
        ExposeInstruction expose => expose.Ports,
        VolumeInstruction volume => volume.Volumes,
        UserInstruction user => [user.User],
        WorkdirInstruction workdir => [workdir.Path],
        StopSignalInstruction signal => [signal.Signal],
        _ => [],
    };

    private static IEnumerable<string> Options(CopyOptions options) => new[] { options.Chown, options.Chmod }.OfType<string>();
}
