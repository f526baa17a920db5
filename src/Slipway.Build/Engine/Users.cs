using System.Globalization;
using Slipway.Store.Layers;

namespace Slipway.Build.Engine;

/// <summary>Resolves <c>USER</c> and <c>--chown</c> values (names or numbers, <c>user[:group]</c>) through the
/// stage's own /etc/passwd and /etc/group, read inside its root.</summary>
public static class Users
{
    public sealed record Identity(uint Uid, uint Gid, IReadOnlyList<uint> AdditionalGids);

    public static Identity Resolve(string? spec, string rootfs, bool forChown = false)
    {
        if (string.IsNullOrEmpty(spec))
        {
            return new Identity(0, 0, []);
        }

        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var userPart = colon < 0 ? spec : spec[..colon];
        var groupPart = colon < 0 ? null : spec[(colon + 1)..];
        var passwd = ReadTable(rootfs, "/etc/passwd");
        uint uid;
        uint? primaryGid = null;
        if (uint.TryParse(userPart, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric))
        {
            uid = numeric;
            var row = passwd.FirstOrDefault(r => r.Length > 3 && r[2] == userPart);
            if (row is not null && uint.TryParse(row[3], CultureInfo.InvariantCulture, out var g))
            {
                primaryGid = g;
            }
        }
        else
        {
            var row = passwd.FirstOrDefault(r => r.Length > 3 && r[0] == userPart)
                ?? throw new BuildException($"unable to find user {userPart}: no matching entries in passwd file");
            uid = uint.Parse(row[2], CultureInfo.InvariantCulture);
            primaryGid = uint.Parse(row[3], CultureInfo.InvariantCulture);
        }

        uint gid;
        if (groupPart is null)
        {
            // --chown=user without a group takes the user's uid as gid when it is numeric, as BuildKit does.
            gid = forChown && primaryGid is null ? uid : primaryGid ?? 0;
        }
        else if (uint.TryParse(groupPart, NumberStyles.None, CultureInfo.InvariantCulture, out var numericGroup))
        {
            gid = numericGroup;
        }
        else
        {
            var row = ReadTable(rootfs, "/etc/group").FirstOrDefault(r => r.Length > 2 && r[0] == groupPart)
                ?? throw new BuildException($"unable to find group {groupPart}: no matching entries in group file");
            gid = uint.Parse(row[2], CultureInfo.InvariantCulture);
        }

        return new Identity(uid, gid, []);
    }

    private static List<string[]> ReadTable(string rootfs, string path)
    {
        var resolver = new RootResolver(rootfs);
        var file = resolver.Resolve(RootResolver.Clean(path), followFinal: true);
        if (!File.Exists(file))
        {
            return [];
        }

        return [.. File.ReadLines(file).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split(':'))];
    }
}

/// <summary>A build step failed for a reason the user can act on; the message says which step and why.</summary>
public sealed class BuildException(string message, Exception? inner = null) : Exception(message, inner);
