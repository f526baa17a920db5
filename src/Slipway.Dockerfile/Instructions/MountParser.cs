using System.Globalization;
using System.Text;

namespace Slipway.Dockerfile.Instructions;

/// <summary>Parses the CSV value of <c>--mount</c> (BuildKit's parseMount and validateMount, same messages).</summary>
public static class MountParser
{
    private static readonly string[] MountTypes = ["bind", "cache", "tmpfs", "secret", "ssh"];
    private static readonly string[] SharingModes = ["shared", "private", "locked"];
    private static readonly string[] Keys =
    [
        "type", "from", "source", "target", "readonly", "id", "sharing", "required", "mode", "uid", "gid", "src", "dst",
        "ro", "rw", "readwrite", "env", "size", "destination",
    ];

    public static RunMount? Parse(string value, out string? error)
    {
        error = null;
        if (!MountCsv.TrySplitCsv(value, out var fields, out var csvError))
        {
            error = "failed to parse csv mounts: " + csvError;
            return null;
        }

        var m = new RunMount();
        var roAuto = true;
        foreach (var field in fields)
        {
            var eq = field.IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? field : field[..eq]).ToLowerInvariant();
            var v = eq < 0 ? "" : field[(eq + 1)..];
            if (eq < 0)
            {
                switch (key)
                {
                    case "readonly" or "ro":
                        m = m with { ReadOnly = true };
                        roAuto = false;
                        continue;
                    case "readwrite" or "rw":
                        m = m with { ReadOnly = false };
                        roAuto = false;
                        continue;
                    case "required" when m.Type is MountType.Secret or MountType.Ssh:
                        m = m with { Required = true };
                        continue;
                    case "required":
                        error = $"unexpected key '{key}' for mount type '{TypeName(m.Type)}'";
                        return null;
                    default:
                        error = $"invalid field '{field}' must be a key=value pair";
                        return null;
                }
            }

            switch (key)
            {
                case "type":
                    MountType? type = v.ToLowerInvariant() switch
                    {
                        "bind" => MountType.Bind,
                        "cache" => MountType.Cache,
                        "tmpfs" => MountType.Tmpfs,
                        "secret" => MountType.Secret,
                        "ssh" => MountType.Ssh,
                        _ => null,
                    };
                    if (type is null)
                    {
                        error = $"unsupported mount type \"{v}\"{Diagnostics.Suggest.Hint(v, MountTypes, caseSensitive: true)}";
                        return null;
                    }

                    m = m with { Type = type.Value };
                    break;
                case "from":
                    if (v.Length > 1 && v.AsSpan(0, v.Length - 1).Contains('$'))
                    {
                        error = $"'{key}' doesn't support variable expansion, define alias stage instead";
                        return null;
                    }

                    m = m with { From = v };
                    break;
                case "source" or "src":
                    m = m with { Source = v };
                    break;
                case "target" or "dst" or "destination":
                    m = m with { Target = v };
                    break;
                case "readonly" or "ro" or "readwrite" or "rw":
                    if (!GoBool(v, out var b))
                    {
                        error = $"invalid value for {key}: {v}";
                        return null;
                    }

                    m = m with { ReadOnly = key is "readonly" or "ro" ? b : !b };
                    roAuto = false;
                    break;
                case "required":
                    if (m.Type is not (MountType.Secret or MountType.Ssh))
                    {
                        error = $"unexpected key '{key}' for mount type '{TypeName(m.Type)}'";
                        return null;
                    }

                    if (!GoBool(v, out var required))
                    {
                        error = $"invalid value for {key}: {v}";
                        return null;
                    }

                    m = m with { Required = required };
                    break;
                case "env":
                    if (m.Type != MountType.Secret)
                    {
                        error = $"unexpected key '{key}' for mount type '{TypeName(m.Type)}'";
                        return null;
                    }

                    m = m with { Env = v };
                    break;
                case "size":
                    if (m.Type != MountType.Tmpfs)
                    {
                        error = $"unexpected key '{key}' for mount type '{TypeName(m.Type)}'";
                        return null;
                    }

                    if (!ByteSize.TryParseRam(v, out var size))
                    {
                        error = $"invalid value for {key}: {v}";
                        return null;
                    }

                    m = m with { SizeLimit = size };
                    break;
                case "id":
                    m = m with { Id = v };
                    break;
                case "sharing":
                    MountSharing? sharing = v.ToLowerInvariant() switch
                    {
                        "shared" => MountSharing.Shared,
                        "private" => MountSharing.Private,
                        "locked" => MountSharing.Locked,
                        _ => null,
                    };
                    if (sharing is null)
                    {
                        error = $"unsupported sharing value \"{v}\"{Diagnostics.Suggest.Hint(v, SharingModes, caseSensitive: true)}";
                        return null;
                    }

                    m = m with { Sharing = sharing };
                    break;
                case "mode" or "uid" or "gid":
                    var fromBase = key == "mode" ? 8 : 10;
                    if (!TryParseUInt(v, fromBase, out var number))
                    {
                        error = $"invalid value {v} for {key}";
                        return null;
                    }

                    m = key switch
                    {
                        "mode" => m with { Mode = number },
                        "uid" => m with { Uid = number },
                        _ => m with { Gid = number },
                    };
                    break;
                default:
                    error = $"unexpected key '{key}' in '{field}'{Diagnostics.Suggest.Hint(key, Keys, caseSensitive: true)}";
                    return null;
            }
        }

        return Validate(m, roAuto, out error);
    }

    private static RunMount? Validate(RunMount m, bool roAuto, out string? error)
    {
        error = null;
        var name = TypeName(m.Type);
        if (m.Type is not (MountType.Secret or MountType.Ssh or MountType.Cache))
        {
            error = m.Mode is not null ? $"mode not allowed for \"{name}\" type mounts"
                : m.Uid is not null ? $"uid not allowed for \"{name}\" type mounts"
                : m.Gid is not null ? $"gid not allowed for \"{name}\" type mounts" : null;
            if (error is not null)
            {
                return null;
            }
        }

        if (roAuto)
        {
            m = m with { ReadOnly = m.Type is not (MountType.Cache or MountType.Tmpfs) };
        }

        if (m.Type == MountType.Secret)
        {
            error = m.From is not null ? "secret mount should not have a from"
                : m.Sharing is not null ? "secret mount should not define sharing"
                : m.Source is null && m.Target is null && m.Id is null ? "invalid secret mount. one of source, target required"
                : m.Source is not null && m.Id is not null ? "both source and id can't be set" : null;
            if (error is not null)
            {
                return null;
            }
        }

        if (m.Sharing is not null && m.Type != MountType.Cache)
        {
            error = $"invalid cache sharing set for {name} mount";
            return null;
        }

        return m;
    }

    public static string TypeName(MountType type) => type.ToString().ToLowerInvariant();

    /// <summary>Go's strconv.ParseBool.</summary>
    internal static bool GoBool(string s, out bool value)
    {
        switch (s)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True":
                value = true;
                return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    private static bool TryParseUInt(string s, int fromBase, out uint value)
    {
        value = 0;
        if (s.Length == 0)
        {
            return false;
        }

        ulong acc = 0;
        foreach (var c in s)
        {
            var digit = c - '0';
            if (digit < 0 || digit >= fromBase)
            {
                return false;
            }

            acc = (acc * (ulong)fromBase) + (ulong)digit;
            if (acc > uint.MaxValue)
            {
                return false;
            }
        }

        value = (uint)acc;
        return true;
    }
}
