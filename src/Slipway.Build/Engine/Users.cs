using System.Globalization;
using Slipway.Store.Layers;

namespace Slipway.Build.Engine;

/// <summary>Resolves <c>USER</c> and <c>--chown</c> values (names or numbers, <c>user[:group]</c>) through the
/// stage's own /etc/passwd and /etc/group, read inside its root. A user given without a group also gets the
/// groups that list it as a member (runc's and docker's supplementary groups); <c>--chown</c> takes none.</summary>
public static class Users
{
    public sealed record Identity(uint Uid, uint Gid, IReadOnlyList<uint> AdditionalGids);

    /// <summary>The identity <paramref name="spec"/> names in the image at <paramref name="rootfs"/>. For <c>USER</c> (a
    /// process runs as it) a name the image does not have fails as runc's user lookup says it. With
    /// <paramref name="forChown"/> (<c>COPY/ADD --chown</c>, and the owner of a directory <c>WORKDIR</c> creates) it is
    /// BuildKit's file-op lookup (solver/llbsolver/ops/user_linux.go readUser): <c>root</c> or a number is itself and
    /// its own group, a name the image's passwd lacks is 0:0 and a group its group file lacks leaves the user's group,
    /// without an error.</summary>
    public static Identity Resolve(string? spec, string rootfs, bool forChown = false)
    {
        if (string.IsNullOrEmpty(spec))
        {
            return new Identity(0, 0, []);
        }

        return forChown ? ResolveForFiles(spec, rootfs) : ResolveForProcess(spec, rootfs);
    }

    private static Identity ResolveForFiles(string spec, string rootfs)
    {
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var userPart = colon < 0 ? spec : spec[..colon];
        var groupPart = colon < 0 ? null : spec[(colon + 1)..];
        uint uid = 0, gid = 0;
        if (Id(userPart) is { } numeric)
        {
            uid = gid = numeric;
        }
        else if (ReadTable(rootfs, "/etc/passwd").FirstOrDefault(r => r.Length > 3 && r[0] == userPart) is { } row
            && uint.TryParse(row[2], CultureInfo.InvariantCulture, out var u) && uint.TryParse(row[3], CultureInfo.InvariantCulture, out var g))
        {
            (uid, gid) = (u, g);
        }

        if (groupPart is not null)
        {
            if (Id(groupPart) is { } numericGroup)
            {
                gid = numericGroup;
            }
            else if (ReadTable(rootfs, "/etc/group").FirstOrDefault(r => r.Length > 2 && r[0] == groupPart) is { } row
                && uint.TryParse(row[2], CultureInfo.InvariantCulture, out var g))
            {
                gid = g;
            }
        }

        return new Identity(uid, gid, []);
    }

    /// <summary>BuildKit's llb.WithUser: <c>root</c> is 0, a 32-bit number is itself, anything else is a name.</summary>
    private static uint? Id(string part) =>
        part == "root" ? 0 : uint.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id <= int.MaxValue ? id : null;

    private static Identity ResolveForProcess(string spec, string rootfs)
    {
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var userPart = colon < 0 ? spec : spec[..colon];
        var groupPart = colon < 0 ? null : spec[(colon + 1)..];
        var passwd = ReadTable(rootfs, "/etc/passwd");
        uint uid;
        uint? primaryGid = null;
        string? matchedName = null;
        if (uint.TryParse(userPart, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric))
        {
            uid = numeric;
            // USER 1000 runs with the group passwd gives uid 1000.
            var row = passwd.FirstOrDefault(r => r.Length > 3 && r[2] == userPart);
            if (row is not null && uint.TryParse(row[3], CultureInfo.InvariantCulture, out var g))
            {
                primaryGid = g;
                matchedName = row[0];
            }
        }
        else
        {
            var row = passwd.FirstOrDefault(r => r.Length > 3 && r[0] == userPart)
                ?? throw new BuildException($"unable to find user {userPart}: no matching entries in passwd file");
            uid = uint.Parse(row[2], CultureInfo.InvariantCulture);
            primaryGid = uint.Parse(row[3], CultureInfo.InvariantCulture);
            matchedName = row[0];
        }

        uint gid;
        if (groupPart is null)
        {
            gid = primaryGid ?? 0;
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

        List<uint> groups = groupPart is null && matchedName is not null ? MemberOf(rootfs, matchedName) : [];
        // The empty list is the shared one, as every other identity's: identities compare equal by their fields.
        return new Identity(uid, gid, groups.Count == 0 ? [] : (IReadOnlyList<uint>)groups);
    }

    /// <summary>The groups of /etc/group that list <paramref name="user"/> as a member, in the file's order
    /// (moby/sys/user's GetExecUser: only for a user given without a group).</summary>
    private static List<uint> MemberOf(string rootfs, string user) =>
        ReadTable(rootfs, "/etc/group")
            .Where(r => r.Length > 3 && r[3].Split(',').Contains(user, StringComparer.Ordinal))
            .Select(r => uint.TryParse(r[2], NumberStyles.None, CultureInfo.InvariantCulture, out var gid) ? gid : (uint?)null)
            .OfType<uint>()
            .Distinct()
            .ToList();

    /// <summary>A passwd or group file larger than this is refused: real ones are a few KiB, and the file comes from
    /// an image that may be hostile.</summary>
    public const int MaxTableBytes = 1 << 20;

    private static List<string[]> ReadTable(string rootfs, string path)
    {
        var resolver = new RootResolver(rootfs);
        var file = resolver.Resolve(RootResolver.Clean(path), followFinal: true);
        var stat = LayerNative.LStat(file);
        if (stat is null)
        {
            return [];
        }

        // A FIFO would block the read forever and a device (a link to /dev/zero) never ends: only a regular file
        // is read, checked before opening and again on what was opened, and never beyond the cap.
        if (!stat.Value.IsRegular)
        {
            throw NotReadable(path, "it is not a regular file");
        }

        using var handle = LayerNative.OpenReadNoFollow(file, nonBlocking: true);
        var opened = LayerNative.FStat(handle);
        if (!opened.IsRegular)
        {
            throw NotReadable(path, "it is not a regular file");
        }

        var buffer = new byte[Math.Min(opened.Size, MaxTableBytes) + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = RandomAccess.Read(handle, buffer.AsSpan(length), length)) > 0)
        {
            length += read;
        }

        if (opened.Size > MaxTableBytes || length > MaxTableBytes)
        {
            throw NotReadable(path, $"it is larger than {MaxTableBytes / (1 << 20)} MiB");
        }

        return [.. System.Text.Encoding.UTF8.GetString(buffer, 0, length).Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split(':'))];
    }

    private static BuildException NotReadable(string path, string why) =>
        new($"unable to read {path} of the image to resolve a user or group: {why}");
}
