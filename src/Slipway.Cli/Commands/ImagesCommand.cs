using System.CommandLine;
using System.Text;
using System.Text.Json;
using Slipway.Cli.Output;
using Slipway.Store.Images;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway images</c>: REPOSITORY, TAG, IMAGE ID, CREATED, SIZE as <c>docker images</c> shows them.</summary>
internal static class ImagesCommand
{
    public static Command Create(GlobalOptions globals, ICliEnvironment env)
    {
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only show image IDs" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Don't truncate output" };
        var format = new Option<string?>("--format") { Description = "Format output: table, json, or a Go template such as '{{.Size}}'" };
        var repository = new Argument<string?>("REPOSITORY[:TAG]") { Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("images", "List images") { quiet, noTrunc, format, repository };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var now = ctx.Env.Time.GetUtcNow();
            var filter = parse.GetValue(repository);
            var rows = (await ctx.Images.ListAsync(token).ConfigureAwait(false))
                .Select(i => Row.From(i, now, parse.GetValue(noTrunc)))
                .Where(r => filter is null || Matches(r, filter))
                .ToList();
            var output = ctx.Env.Out;
            if (parse.GetValue(quiet))
            {
                foreach (var id in rows.Select(r => r.Fields["ID"]).Distinct())
                {
                    output.WriteLine(id);
                }

                return 0;
            }

            var template = parse.GetValue(format);
            if (template == "json")
            {
                foreach (var row in rows)
                {
                    output.WriteLine(row.Json());
                }
            }
            else if (template is null or "table")
            {
                Table.Write(output, ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"],
                    rows.Select(r => (IReadOnlyList<string>)[r.Fields["Repository"], r.Fields["Tag"], r.Fields["ID"], r.Fields["CreatedSince"], r.Fields["Size"]]));
            }
            else
            {
                var table = GoTemplate.IsTable(template, out var body);
                if (table)
                {
                    output.WriteLine(GoTemplate.Header(body, Headers));
                }

                foreach (var row in rows)
                {
                    output.WriteLine(GoTemplate.Render(body, row.Fields, f => f is null ? row.Json() : GoTemplate.Quote(row.Fields.GetValueOrDefault(f, ""))));
                }
            }

            return 0;
        }, ct));
        return command;
    }

    private static readonly Dictionary<string, string> Headers = new(StringComparer.Ordinal)
    {
        ["Repository"] = "REPOSITORY",
        ["Tag"] = "TAG",
        ["ID"] = "IMAGE ID",
        ["CreatedSince"] = "CREATED",
        ["CreatedAt"] = "CREATED AT",
        ["Size"] = "SIZE",
        ["Digest"] = "DIGEST",
    };

    private static bool Matches(Row row, string filter)
    {
        var colon = filter.LastIndexOf(':');
        var (repo, tag) = colon > 0 && !filter[colon..].Contains('/', StringComparison.Ordinal) ? (filter[..colon], filter[(colon + 1)..]) : (filter, null);
        return row.Fields["Repository"] == repo && (tag is null || row.Fields["Tag"] == tag);
    }

    private sealed record Row(IReadOnlyDictionary<string, string> Fields)
    {
        public static Row From(NamedImage named, DateTimeOffset now, bool noTrunc)
        {
            var reference = named.Reference;
            var created = named.Image.Config.Created;
            return new Row(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Repository"] = reference?.FamiliarName ?? "<none>",
                ["Tag"] = reference?.Tag ?? "<none>",
                ["Digest"] = reference?.Digest?.Value ?? named.Image.ManifestDescriptor.Digest.Value,
                ["ID"] = noTrunc ? named.Image.Id.Value : named.Image.Id.ShortHex,
                ["CreatedSince"] = Units.Ago(created, now),
                ["CreatedAt"] = created?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss '+0000 UTC'", System.Globalization.CultureInfo.InvariantCulture) ?? "",
                ["Size"] = Units.HumanSize(named.Image.Size),
                ["Containers"] = "N/A",
                ["SharedSize"] = "N/A",
                ["UniqueSize"] = "N/A",
                ["VirtualSize"] = Units.HumanSize(named.Image.Size),
            });
        }

        public string Json()
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                foreach (var (key, value) in Fields.OrderBy(f => f.Key, StringComparer.Ordinal))
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }
    }
}
