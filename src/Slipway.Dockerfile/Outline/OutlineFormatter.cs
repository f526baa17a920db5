using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Slipway.Dockerfile.Outline;

/// <summary>Prints outlines and target lists as text tables (like <c>docker buildx build --call</c>) or JSON.</summary>
public static class OutlineFormatter
{
    private static readonly OutlineJsonContext Json = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static string Text(BuildOutline outline)
    {
        ArgumentNullException.ThrowIfNull(outline);
        var sb = new StringBuilder();
        if (outline.Target.Length > 0)
        {
            sb.Append("TARGET:      ").Append(outline.Target).Append('\n');
        }

        if (outline.Description.Length > 0)
        {
            sb.Append("DESCRIPTION: ").Append(outline.Description).Append('\n');
        }

        if (outline.Stages.Count > 0)
        {
            Separate(sb);
            Table(sb, ["STAGE", "BASE"], outline.Stages.Select(s => new[] { s.Name, s.Base }));
        }

        if (outline.Args.Count > 0)
        {
            Separate(sb);
            Table(sb, ["BUILD ARG", "VALUE", "DESCRIPTION"],
                outline.Args.Select(a => new[] { a.Name, a.Value ?? "<undefined>", a.Description }));
        }

        if (outline.Secrets.Count > 0)
        {
            Separate(sb);
            Table(sb, ["SECRET", "REQUIRED"], outline.Secrets.Select(s => new[] { s.Name, s.Required ? "true" : "" }));
        }

        if (outline.Ssh.Count > 0)
        {
            Separate(sb);
            Table(sb, ["SSH", "REQUIRED"], outline.Ssh.Select(s => new[] { s.Name, s.Required ? "true" : "" }));
        }

        return sb.ToString();
    }

    public static string Text(IReadOnlyList<OutlineTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var sb = new StringBuilder();
        Table(sb, ["TARGET", "DESCRIPTION"], targets.Select(t => new[]
        {
            (t.Name.Length > 0 ? t.Name : "(unnamed)") + (t.IsDefault ? " (default)" : ""), t.Description,
        }));
        return sb.ToString();
    }

    public static string ToJson(BuildOutline outline) => JsonSerializer.Serialize(outline, Json.BuildOutline);

    public static string ToJson(IReadOnlyList<OutlineTarget> targets) =>
        JsonSerializer.Serialize(new OutlineTargets(targets), Json.OutlineTargets);

    private static void Separate(StringBuilder sb)
    {
        if (sb.Length > 0)
        {
            sb.Append('\n');
        }
    }

    private static void Table(StringBuilder sb, string[] header, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { header };
        all.AddRange(rows);
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Length; i++)
            {
                line.Append(i < row.Length - 1 ? row[i].PadRight(widths[i] + 3) : row[i]);
            }

            sb.Append(line.ToString().TrimEnd()).Append('\n');
        }
    }
}

internal sealed record OutlineTargets(IReadOnlyList<OutlineTarget> Targets);

[JsonSerializable(typeof(BuildOutline))]
[JsonSerializable(typeof(OutlineTargets))]
internal sealed partial class OutlineJsonContext : JsonSerializerContext;
