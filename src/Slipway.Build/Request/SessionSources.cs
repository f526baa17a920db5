using System.Diagnostics.CodeAnalysis;
using Slipway.Oci;

namespace Slipway.Build.Request;

/// <summary>What the person running the build lends it for its RUN steps: <c>--secret</c> values and <c>--ssh</c>
/// agent sockets, read and checked before the build starts. The environment comes in as a lookup, so these read
/// no process state of their own.</summary>
public static class SessionSources
{
    /// <summary>Reads one <c>--secret</c> as buildx does: <c>src=</c>/<c>source=</c> a file, <c>env=</c> a variable,
    /// or neither: the variable named like the id. Errors never contain the value.</summary>
    public static bool TryReadSecret(string spec, Func<string, string?> variables, out string id, out byte[] value, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(variables);
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
                error = $"failed to read secret {id}: {ErrorText.Describe(ex, src)}";
                return false;
            }
        }

        var variable = variables(fromEnv!);
        if (variable is null)
        {
            error = $"secret {id}: environment variable {fromEnv} is not set";
            return false;
        }

        value = System.Text.Encoding.UTF8.GetBytes(variable);
        return true;
    }

    /// <summary>One <c>--ssh default|ID[=SOCKET]</c>: the socket given, else <c>$SSH_AUTH_SOCK</c>; it must exist.</summary>
    public static bool TryFindSshSocket(string spec, Func<string, string?> variables, out string id, out string socket, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(variables);
        var eq = spec.IndexOf('=', StringComparison.Ordinal);
        (id, var given) = eq < 0 ? (spec, variables("SSH_AUTH_SOCK")) : (spec[..eq], spec[(eq + 1)..]);
        if (string.IsNullOrEmpty(given) || !File.Exists(given))
        {
            socket = "";
            error = $"--ssh {id}: no agent socket (set SSH_AUTH_SOCK or pass {id}=PATH)";
            return false;
        }

        socket = Path.GetFullPath(given);
        error = null;
        return true;
    }
}
