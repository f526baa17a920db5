using System.CommandLine;
using System.Globalization;
using Slipway.Cli.Output;
using Slipway.Store.Images;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway history</c> as <c>docker history</c>: newest first, the top row the image, older rows
/// <c>&lt;missing&gt;</c> as for any image BuildKit built; SIZE each layer's unpacked size (0B for an entry that made
/// no layer; the compressed size is <c>{{.CompressedSize}}</c>).</summary>
internal static class HistoryCommand
{
    public const string DefaultTable = "{{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";

    private static readonly Dictionary<string, string> Headers = new(StringComparer.Ordinal)
    {
        ["ID"] = "IMAGE",
        ["CreatedSince"] = "CREATED",
        ["CreatedAt"] = "CREATED AT",
        ["CreatedBy"] = "CREATED BY",
        ["Size"] = "SIZE",
        ["CompressedSize"] = "COMPRESSED SIZE",
        ["Comment"] = "COMMENT",
    };

    public static Command Create(GlobalOptions globals, ICliEnvironment env)
    {
        var image = new Argument<string>("IMAGE");
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Don't truncate output" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only show image IDs" };
        var human = new Option<bool>("--human", "-H") { Description = "Print sizes and dates in human readable format", DefaultValueFactory = _ => true };
        var format = new Option<string?>("--format")
        {
            Description = "Format output using a custom template: 'table', 'table TEMPLATE', 'json' or a Go template such as '{{.Size}}'",
        };
        var platform = new Option<string?>("--platform") { Description = "Show history for the given platform (e.g. \"linux/amd64\") of a multi-platform image" };
        var command = new Command("history", "Show the history of an image") { image, noTrunc, quiet, human, format, platform };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var (_, stored) = await ctx.Images.FindAsync(parse.GetValue(image)!, CommandContext.PlatformOrNull(parse.GetValue(platform)), token)
                .ConfigureAwait(false);
            var sizes = await ctx.Images.LayerSizesAsync(stored, token).ConfigureAwait(false);
            var rows = Rows(stored, sizes, ctx.Env.Time.GetUtcNow(), parse.GetValue(noTrunc), parse.GetValue(human));
            if (parse.GetValue(quiet))
            {
                foreach (var row in rows)
                {
                    ctx.Env.Out.WriteLine(row["ID"]);
                }

                return 0;
            }

            new Formatter("*formatter.historyContext", Headers, DefaultTable).Write(ctx.Env.Out, parse.GetValue(format), rows);
            return 0;
        }, ct));
        return command;
    }

    /// <summary>Newest first. A history entry that made a layer owns the next one of <paramref name="unpackedSizes"/>
    /// (bottom-most first).</summary>
    internal static List<IReadOnlyDictionary<string, string>> Rows(StoredImage image, IReadOnlyList<long> unpackedSizes,
        DateTimeOffset now, bool noTrunc, bool human)
    {
        var layers = image.Manifest.Layers;
        var rows = new List<IReadOnlyDictionary<string, string>>();
        var layerIndex = 0;
        foreach (var entry in image.Config.History ?? [])
        {
            long size = 0;
            long compressed = 0;
            if (entry.EmptyLayer != true && layerIndex < layers.Count)
            {
                size = unpackedSizes[layerIndex];
                compressed = layers[layerIndex++].Size;
            }

            var createdBy = (entry.CreatedBy ?? "").Replace('\t', ' ');
            if (!noTrunc && createdBy.Length > 45)
            {
                createdBy = createdBy[..44] + "…";
            }

            var createdAt = entry.Created?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";
            rows.Add(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["ID"] = "<missing>",
                ["CreatedSince"] = human ? Units.Ago(entry.Created, now) : createdAt,
                ["CreatedAt"] = createdAt,
                ["CreatedBy"] = createdBy,
                ["Size"] = human ? Units.HumanSize(size) : size.ToString(CultureInfo.InvariantCulture),
                ["CompressedSize"] = human ? Units.HumanSize(compressed) : compressed.ToString(CultureInfo.InvariantCulture),
                ["Comment"] = entry.Comment ?? "",
            });
        }

        rows.Reverse();
        if (rows.Count > 0)
        {
            rows[0] = new Dictionary<string, string>(rows[0], StringComparer.Ordinal) { ["ID"] = noTrunc ? image.Id.Value : image.Id.ShortHex };
        }

        return rows;
    }
}
