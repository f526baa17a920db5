using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Slipway.Cli.Output;
using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Cli.Commands;

/// <summary><c>tag</c>, <c>rmi</c>, <c>inspect</c> and <c>history</c>, with Docker's names, flags and output.</summary>
internal static class ImageCommands
{
    public static Command Tag(GlobalOptions globals, ICliEnvironment env)
    {
        var source = new Argument<string>("SOURCE_IMAGE[:TAG]");
        var target = new Argument<string>("TARGET_IMAGE[:TAG]");
        var command = new Command("tag", "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE") { source, target };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            await ctx.Images.TagAsync(parse.GetValue(source)!, parse.GetValue(target)!, token).ConfigureAwait(false);
            return 0;
        }, ct));
        return command;
    }

    public static Command Remove(GlobalOptions globals, ICliEnvironment env)
    {
        var images = new Argument<string[]>("IMAGE") { Arity = ArgumentArity.OneOrMore };
        var force = new Option<bool>("--force", "-f") { Description = "Force removal of the image" };
        var command = new Command("rmi", "Remove one or more images") { images, force };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var status = 0;
            foreach (var image in parse.GetValue(images)!)
            {
                try
                {
                    foreach (var line in await ctx.Images.RemoveAsync(image, parse.GetValue(force), token).ConfigureAwait(false))
                    {
                        ctx.Env.Out.WriteLine(line);
                    }
                }
                catch (ImageException ex)
                {
                    // docker rmi goes on with the other images and fails at the end.
                    status = ErrorRenderer.Render(ctx.Env.Error, ex, ctx.Debug);
                }
            }

            return status;
        }, ct));
        return command;
    }

    public static Command Inspect(GlobalOptions globals, ICliEnvironment env)
    {
        var images = new Argument<string[]>("IMAGE") { Arity = ArgumentArity.OneOrMore };
        var format = new Option<string?>("--format", "-f") { Description = "Format output using a Go template, e.g. '{{json .Config}}'" };
        var command = new Command("inspect", "Display detailed information on one or more images") { images, format };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var documents = new List<JsonElement>();
            foreach (var name in parse.GetValue(images)!)
            {
                var (_, image) = await ctx.Images.FindAsync(name, token).ConfigureAwait(false);
                var names = (await ctx.Images.ListAsync(token).ConfigureAwait(false))
                    .Where(n => n.Image.ManifestDescriptor.Digest == image.ManifestDescriptor.Digest)
                    .Where(n => n.Reference is not null)
                    .Select(n => n.Reference!)
                    .ToList();
                var configBytes = await ctx.Store.Blobs.ReadAllBytesAsync(image.Id, token).ConfigureAwait(false);
                documents.Add(InspectDocument(image, names, configBytes));
            }

            var template = parse.GetValue(format);
            if (template is null)
            {
                ctx.Env.Out.WriteLine(JsonSerializer.Serialize(documents, CliJsonContext.Default.ListJsonElement));
                return 0;
            }

            foreach (var doc in documents)
            {
                var fields = doc.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);
                ctx.Env.Out.WriteLine(GoTemplate.Render(template, fields,
                    f => f is null ? doc.GetRawText() : doc.TryGetProperty(f, out var v) ? v.GetRawText() : "null"));
            }

            return 0;
        }, ct));
        return command;
    }

    private static JsonElement InspectDocument(StoredImage image, IReadOnlyList<ImageReference> names, byte[] configBytes)
    {
        using var config = JsonDocument.Parse(configBytes);
        var root = config.RootElement;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteString("Id", image.Id.Value);
            w.WriteStartArray("RepoTags");
            foreach (var n in names.Where(n => n.Tag is not null))
            {
                w.WriteStringValue(n.FamiliarName + ":" + n.Tag);
            }

            w.WriteEndArray();
            w.WriteStartArray("RepoDigests");
            foreach (var n in names.Select(n => n.FamiliarName).Distinct())
            {
                w.WriteStringValue(n + "@" + image.ManifestDescriptor.Digest.Value);
            }

            w.WriteEndArray();
            w.WriteString("Parent", "");
            w.WriteString("Comment", image.Config.History is { Count: > 0 } h ? h[^1].Comment ?? "" : "");
            w.WriteString("Created", image.Config.Created?.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture) ?? "");
            w.WriteString("DockerVersion", "");
            w.WriteString("Author", image.Config.Author ?? "");
            w.WritePropertyName("Config");
            if (root.TryGetProperty("config", out var containerConfig))
            {
                containerConfig.WriteTo(w);
            }
            else
            {
                w.WriteNullValue();
            }

            w.WriteString("Architecture", image.Config.Architecture);
            if (image.Config.Variant is not null)
            {
                w.WriteString("Variant", image.Config.Variant);
            }

            w.WriteString("Os", image.Config.Os);
            w.WriteNumber("Size", image.Size);
            w.WriteStartObject("RootFS");
            w.WriteString("Type", "layers");
            w.WriteStartArray("Layers");
            foreach (var diffId in image.Config.RootFs.DiffIds)
            {
                w.WriteStringValue(diffId.Value);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("Descriptor");
            w.WriteString("mediaType", image.ManifestDescriptor.MediaType);
            w.WriteString("digest", image.ManifestDescriptor.Digest.Value);
            w.WriteNumber("size", image.ManifestDescriptor.Size);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
    }

    public static Command History(GlobalOptions globals, ICliEnvironment env)
    {
        var image = new Argument<string>("IMAGE");
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Don't truncate output" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only show image IDs" };
        var human = new Option<bool>("--human", "-H") { Description = "Print sizes and dates in human readable format", DefaultValueFactory = _ => true };
        var command = new Command("history", "Show the history of an image") { image, noTrunc, quiet, human };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var (_, stored) = await ctx.Images.FindAsync(parse.GetValue(image)!, token).ConfigureAwait(false);
            var rows = HistoryRows(stored, ctx.Env.Time.GetUtcNow(), parse.GetValue(noTrunc), parse.GetValue(human));
            if (parse.GetValue(quiet))
            {
                foreach (var row in rows)
                {
                    ctx.Env.Out.WriteLine(row[0]);
                }

                return 0;
            }

            Table.Write(ctx.Env.Out, ["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"], rows);
            return 0;
        }, ct));
        return command;
    }

    /// <summary>Newest first; the top row is the image, older rows are <c>&lt;missing&gt;</c> as for any image
    /// built by BuildKit. A non-empty history entry owns the next layer.</summary>
    internal static List<IReadOnlyList<string>> HistoryRows(StoredImage image, DateTimeOffset now, bool noTrunc, bool human)
    {
        var history = image.Config.History ?? [];
        var layers = image.Manifest.Layers;
        var rows = new List<IReadOnlyList<string>>();
        var layerIndex = 0;
        foreach (var entry in history)
        {
            long size = 0;
            if (entry.EmptyLayer != true && layerIndex < layers.Count)
            {
                size = layers[layerIndex++].Size;
            }

            var createdBy = entry.CreatedBy ?? "";
            if (!noTrunc && createdBy.Length > 45)
            {
                createdBy = createdBy[..44] + "…";
            }

            var created = human ? Units.Ago(entry.Created, now) : entry.Created?.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture) ?? "";
            rows.Add(["<missing>", created, createdBy, human ? Units.HumanSize(size) : size.ToString(CultureInfo.InvariantCulture), entry.Comment ?? ""]);
        }

        rows.Reverse();
        if (rows.Count > 0)
        {
            var top = rows[0];
            rows[0] = [noTrunc ? image.Id.Value : image.Id.ShortHex, top[1], top[2], top[3], top[4]];
        }

        return rows;
    }
}
