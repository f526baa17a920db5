namespace Slipway.Dockerfile.Instructions;

/// <summary>The flags an instruction accepts (BuildKit's BFlags): string, boolean or repeatable string flags, with
/// BuildKit's messages for unknown, duplicate and malformed ones.</summary>
internal sealed class FlagSet
{
    private enum Kind
    {
        String,
        Bool,
        Strings,
    }

    private readonly Dictionary<string, Kind> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public FlagSet String(params string[] names) => Add(Kind.String, names);

    public FlagSet Bool(params string[] names) => Add(Kind.Bool, names);

    public FlagSet Strings(params string[] names) => Add(Kind.Strings, names);

    /// <summary>Reads the node's flags; on error returns the message and the flag name it is about.</summary>
    public bool Parse(IReadOnlyList<string> flags, out string? error, out string? flagName)
    {
        error = null;
        flagName = null;
        foreach (var raw in flags)
        {
            if (!raw.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"arg \"{raw}\" must start with --";
                return false;
            }

            if (raw == "--")
            {
                return true;
            }

            var arg = raw[2..];
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var value = eq >= 0 ? arg[(eq + 1)..] : "";
            if (eq >= 0)
            {
                arg = arg[..eq];
            }

            flagName = arg;
            if (!_known.TryGetValue(arg, out var kind))
            {
                error = $"unknown flag: {arg}{Diagnostics.Suggest.Hint(arg, _known.Keys, caseSensitive: true)}";
                return false;
            }

            if (_values.ContainsKey(arg) && kind != Kind.Strings)
            {
                error = $"duplicate flag specified: {arg}";
                return false;
            }

            switch (kind)
            {
                case Kind.Bool:
                    if (eq >= 0 && value.Length == 0)
                    {
                        error = $"missing a value on flag: {arg}";
                        return false;
                    }

                    var lower = value.ToLowerInvariant();
                    if (lower is not ("" or "true" or "false"))
                    {
                        error = $"expecting boolean value for flag {arg}, not: {value}";
                        return false;
                    }

                    _values[arg] = [lower.Length == 0 ? "true" : lower];
                    break;
                default:
                    if (eq < 0)
                    {
                        error = $"missing a value on flag: {arg}";
                        return false;
                    }

                    if (!_values.TryGetValue(arg, out var list))
                    {
                        _values[arg] = list = [];
                    }

                    list.Add(value);
                    break;
            }
        }

        return true;
    }

    public string? GetString(string name) => _values.TryGetValue(name, out var v) ? v[^1] : null;

    public bool? GetBool(string name) => _values.TryGetValue(name, out var v) ? v[0] == "true" : null;

    public IReadOnlyList<string> GetStrings(string name) => _values.TryGetValue(name, out var v) ? v : [];

    private FlagSet Add(Kind kind, string[] names)
    {
        foreach (var name in names)
        {
            _known[name] = kind;
        }

        return this;
    }
}
