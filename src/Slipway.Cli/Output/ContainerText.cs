using System.Globalization;
using System.Text;
using Slipway.Build.Containers;
using Slipway.Build.Containers.Health;
using Slipway.Cli.Templates;
using Slipway.Oci;

namespace Slipway.Cli.Output;

/// <summary>What <c>ps</c> writes about a container, as dockerd (<c>State.String</c>, <c>State.State</c>, the
/// list's <c>Command</c>) and docker/cli (<c>ContainerContext</c>) write it.</summary>
internal static class ContainerText
{
    /// <summary>docker's STATE: <c>created</c>, <c>running</c>, <c>exited</c> or <c>dead</c> — never started is
    /// created, whatever else the record says.</summary>
    public static string State(ContainerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Status switch
        {
            ContainerState.Running => ContainerState.Running,
            ContainerState.Dead => ContainerState.Dead,
            _ when state.StartedAt is null => ContainerState.Created,
            _ => ContainerState.Exited,
        };
    }

    /// <summary>docker's STATUS: <c>Up 2 minutes (healthy)</c>, <c>Exited (0) 5 seconds ago</c>, <c>Created</c>,
    /// <c>Dead</c>.</summary>
    public static string Status(ContainerState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        switch (State(state))
        {
            case ContainerState.Running:
                var up = "Up " + Units.HumanDuration(now - (state.StartedAt ?? now));
                return state.Health is { } health ? up + " (" + HealthText(health) + ")" : up;
            case ContainerState.Dead:
                return "Dead";
            case ContainerState.Created:
                return "Created";
            default:
                return state.FinishedAt is { } finished
                    ? $"Exited ({state.ExitCode.ToString(CultureInfo.InvariantCulture)}) {Units.HumanDuration(now - finished)} ago"
                    : "";
        }
    }

    /// <summary>What <c>--filter health=</c> compares: the status, or <c>none</c> without a health check.</summary>
    public static string HealthFilterValue(ContainerState state) => state.Health?.Status ?? HealthState.None;

    /// <summary>docker's Health.String: <c>health: starting</c>, <c>healthy</c>, <c>unhealthy</c>.</summary>
    private static string HealthText(HealthState health) =>
        health.Status switch
        {
            HealthState.Starting => "health: starting",
            "" => HealthState.Unhealthy,
            var status => status,
        };

    /// <summary>dockerd's list Command: the path, then the arguments, each with a space in it in single quotes.</summary>
    public static string Command(ContainerRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Args.Count == 0
            ? record.Path
            : record.Path + " " + string.Join(' ', record.Args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? "'" + a + "'" : a));
    }

    /// <summary>The COMMAND column: Go-quoted, cut to 20 columns with <c>…</c> unless <paramref name="noTrunc"/>.</summary>
    public static string QuotedCommand(ContainerRecord record, bool noTrunc)
    {
        var command = Command(record);
        return TemplateValues.Quote(noTrunc ? command : Ellipsis(command, 20));
    }

    /// <summary>docker's IMAGE column: as typed with <c>--no-trunc</c>; otherwise an id prefix as the short id, and a
    /// reference without its digest (its tag kept) in its familiar form.</summary>
    public static string Image(ContainerRecord record, bool noTrunc)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Image.Length == 0)
        {
            return "<no image>";
        }

        if (noTrunc)
        {
            return record.Image;
        }

        var typed = record.Image.StartsWith("sha256:", StringComparison.Ordinal) ? record.Image[7..] : record.Image;
        if (typed.Length > 0 && record.ImageId.Hex.StartsWith(typed, StringComparison.Ordinal) && typed.All(char.IsAsciiHexDigitLower))
        {
            return record.ImageId.ShortHex;
        }

        if (!ImageReference.TryParseNormalized(record.Image, out var reference, out _))
        {
            return record.Image;
        }

        var trimmed = reference.WithoutTagOrDigest();
        return (reference.Tag is { } tag ? trimmed.WithTag(tag) : trimmed).FamiliarString;
    }

    /// <summary><c>.Labels</c>: <c>k=v</c> pairs sorted and joined by commas.</summary>
    public static string Labels(IReadOnlyDictionary<string, string>? labels) =>
        labels is null ? "" : string.Join(',', labels.Select(l => l.Key + "=" + l.Value).Order(StringComparer.Ordinal));

    /// <summary>Go's <c>time.Time.String</c> of the creation time in whole seconds, in UTC as images' CreatedAt.</summary>
    public static string CreatedAt(DateTimeOffset created) =>
        created.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss '+0000 UTC'", CultureInfo.InvariantCulture);

    /// <summary><c>.RunningFor</c>: how long ago the container was created (whole seconds, as docker's Unix time).</summary>
    public static string RunningFor(DateTimeOffset created, DateTimeOffset now) =>
        Units.HumanDuration(now - DateTimeOffset.FromUnixTimeSeconds(created.ToUnixTimeSeconds())) + " ago";

    /// <summary>docker/cli's <c>Ellipsis</c>: cut to <paramref name="width"/> display columns (East Asian wide
    /// characters count two) with <c>…</c> as the last one.</summary>
    public static string Ellipsis(string s, int width)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (width <= 0)
        {
            return "";
        }

        var runes = s.EnumerateRunes().ToList();
        if (width == 1)
        {
            return runes.Count == 0 ? "" : runes[0].ToString();
        }

        var total = runes.Sum(Width);
        if (total <= width)
        {
            return s;
        }

        var text = new StringBuilder();
        var used = 0;
        foreach (var rune in runes)
        {
            if (used + Width(rune) > width - 1)
            {
                break;
            }

            used += Width(rune);
            text.Append(rune.ToString());
        }

        return text + "…";
    }

    /// <summary>East Asian Wide and Fullwidth characters take two columns (the main blocks of golang.org/x/text/width).</summary>
    private static int Width(Rune r) => r.Value switch
    {
        >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0x303E or >= 0x3041 and <= 0x33FF or >= 0x3400 and <= 0x4DBF
            or >= 0x4E00 and <= 0x9FFF or >= 0xA000 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3 or >= 0xF900 and <= 0xFAFF
            or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6 or >= 0x1F300 and <= 0x1F64F
            or >= 0x1F900 and <= 0x1F9FF or >= 0x20000 and <= 0x3FFFD => 2,
        _ => 1,
    };
}
