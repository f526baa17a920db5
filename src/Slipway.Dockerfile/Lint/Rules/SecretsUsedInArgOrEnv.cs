using System.Text.RegularExpressions;
using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static partial class SecretsUsedInArgOrEnv
{
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(SecretsUsedInArgOrEnv),
        "Sensitive data should not be used in the ARG or ENV commands", LintRule.EachInstruction<Instruction>(Check));

    /// <summary>BuildKit's word list: a name holding one of these as a whole <c>_</c>-separated word looks secret.</summary>
    [GeneratedRegex("(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Secret();

    [GeneratedRegex("(?:_|^)public(?:_|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Allowed();

    internal static bool LooksSecret(string name) => Secret().IsMatch(name) && !Allowed().IsMatch(name);

    private static IEnumerable<string> Check(Instruction instruction)
    {
        var (keyword, names) = instruction switch
        {
            ArgInstruction arg => ("ARG", arg.Args.Select(a => a.Name)),
            EnvInstruction env => ("ENV", env.Variables.Select(v => v.Key)),
            _ => ("", []),
        };
        return names.Where(LooksSecret).Select(name => $"Do not use ARG or ENV instructions for sensitive data ({keyword} \"{name}\")");
    }
}
