using System.CommandLine;
using Slipway.Build.Engine;
using Slipway.Cli.Output;
using Slipway.Oci;
using Slipway.Runtime;
using Spectre.Console;

namespace Slipway.Cli.Commands;

internal static partial class BuildRun
{
    /// <summary>Reads one <c>--secret</c> as buildx does: <c>src=</c>/<c>source=</c> a file, <c>env=</c> a variable,
    /// or neither: the variable named like the id. Errors never contain the value.</summary>
    internal static bool TryReadSecret(ICliEnvironment env, string spec, out string id, out byte[] value, out string? error)
    {
        id = "";
        value = [];
        error = null;
        string? src = null, fromEnv = null, type = null;
        foreach (var field in spec.Split(','))
        {
            var eq = field.IndexOf('=', StringComparison.Ordinal);
            var (key, val) = eq < 0 ? (field, "") : (field[..eq].Trim().ToLowerInvariant(), field[(eq + 1)..]);
            switch (key)
            {
                case "id": id = val; break;
                case "src" or "source": src = val; break;
                case "env": fromEnv = val; break;
                case "type": type = val; break;
                default:
                    error = $"invalid --secret field \"{key}\" (expected id, src, env or type)";
                    return false;
            }
        }

        if (id.Length == 0)
        {
            error = "--secret needs id=";
            return false;
        }

        if (type == "env" || (src is null && fromEnv is null))
        {
            fromEnv ??= src ?? id;
            src = null;
        }

        if (src is not null)
        {
            try
            {
                value = File.ReadAllBytes(src);
                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = $"failed to read secret {id} from {src}: {ex.Message}";
                return false;
            }
        }

        var variable = env.GetVariable(fromEnv!);
        if (variable is null)
        {
            error = $"secret {id}: environment variable {fromEnv} is not set";
            return false;
        }

        value = System.Text.Encoding.UTF8.GetBytes(variable);
        return true;
    }
}
