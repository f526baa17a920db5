using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Slipway.Cli.Output;
using Slipway.Cli.Templates;
using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway inspect</c> as <c>docker image inspect</c>: the images as a JSON array, or <c>-f/--format</c>
/// run over each image's document as a Go template, one line per image. A template that does not parse exits 64
/// (docker's status); one that fails on an image exits 1.</summary>
internal static class InspectCommand
{
    /// <summary>The fields of docker's image inspect struct and its image config that a document may leave out or
    /// hold null: a template sees their zero values, as docker's (<c>{{.Config.Entrypoint}}</c> prints <c>[]</c>,
    /// <c>{{.Config.User}}</c> nothing) instead of failing on a missing key.</summary>
    private static readonly Dictionary<string, NilKind> TypedFields = new(StringComparer.Ordinal)
    {
        ["RepoTags"] = NilKind.List,
        ["RepoDigests"] = NilKind.List,
        ["Cmd"] = NilKind.List,
        ["Entrypoint"] = NilKind.List,
        ["Env"] = NilKind.List,
        ["OnBuild"] = NilKind.List,
        ["Shell"] = NilKind.List,
        ["Layers"] = NilKind.List,
        ["Labels"] = NilKind.Map,
        ["Volumes"] = NilKind.Map,
        ["ExposedPorts"] = NilKind.Map,
        ["User"] = NilKind.String,
        ["WorkingDir"] = NilKind.String,
        ["StopSignal"] = NilKind.String,
        ["Variant"] = NilKind.String,
        ["OsVersion"] = NilKind.String,
        ["ArgsEscaped"] = NilKind.Bool,
        ["urls"] = NilKind.List,
        ["annotations"] = NilKind.Map,
        ["data"] = NilKind.List,
        ["artifactType"] = NilKind.String,
    };

    /// <summary>The structs of docker's image inspect document (API 1.52: <c>Config</c> a
    /// <c>dockerspec.DockerOCIImageConfig</c>, an <c>ocispec.ImageConfig</c> and docker's extension embedded; <c>RootFS</c>;
    /// <c>Descriptor</c> an <c>ocispec.Descriptor</c>), with their fields in Go's order, so <c>{{.Config}}</c> prints
    /// what docker's <c>%v</c> prints; <c>ExposedPorts</c> and <c>Volumes</c> are sets (<c>map[80/tcp:{}]</c>).</summary>
    private static readonly Dictionary<string, string> Structs = new(StringComparer.Ordinal)
    {
        ["Config"] = "{{User ExposedPorts Env Entrypoint Cmd Volumes WorkingDir Labels StopSignal ArgsEscaped} {Healthcheck OnBuild Shell}}",
        ["RootFS"] = "{Type Layers}",
        ["Descriptor"] = "{mediaType digest size urls annotations data platform artifactType}",
        ["ExposedPorts"] = GoStruct.Set,
        ["Volumes"] = GoStruct.Set,
    };

    public static Command Create(GlobalOptions globals, ICliEnvironment env) =>
        Create(globals, env, "inspect", "Return low-level information on containers or images", fixedType: null);

    /// <summary><c>container inspect</c>: containers only.</summary>
    public static Command Container(GlobalOptions globals, ICliEnvironment env) =>
        Create(globals, env, "inspect", "Display detailed information on one or more containers", fixedType: "container");

    /// <summary>As docker's <c>inspect</c>: each name is looked for among containers, then images (or only the kind
    /// <c>--type</c> names); <c>container inspect</c> looks among containers only.</summary>
    private static Command Create(GlobalOptions globals, ICliEnvironment env, string name, string description, string? fixedType)
    {
        var images = new Argument<string[]>(fixedType == "container" ? "CONTAINER" : "NAME|ID") { Arity = ArgumentArity.OneOrMore };
        var format = new Option<string?>("--format", "-f") { Description = "Format output using a custom template: 'json' or a Go template such as '{{json .Config}}'" };
        var type = new Option<string?>("--type") { Description = "Only inspect objects of the given type: container or image" };
        type.AcceptOnlyFromAmong("container", "image");
        var platform = new Option<string?>("--platform") { Description = "Inspect a specific platform of the multi-platform image" };
        var command = new Command(name, description) { images, format };
        if (fixedType is null)
        {
            command.Options.Add(type);
            command.Options.Add(platform);
        }

        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var text = parse.GetValue(format);
            GoTemplate? template = null;
            if (!string.IsNullOrEmpty(text) && text != "json")
            {
                try
                {
                    template = GoTemplate.Parse(text);
                }
                catch (TemplateException ex)
                {
                    return ErrorRenderer.Render(ctx.Env.Error, ex, ctx.Debug, exitCode: 64);
                }
            }

            var kind = fixedType ?? parse.GetValue(type);
            var documents = new List<JsonElement>();
            foreach (var name in parse.GetValue(images)!)
            {
                if (kind != "image" && await FindContainerAsync(ctx, name, kind == "container", token).ConfigureAwait(false) is { } container)
                {
                    documents.Add(container);
                    continue;
                }

                FoundImage found;
                try
                {
                    found = await ctx.Images.FindImageAsync(name, CommandContext.PlatformOrNull(parse.GetValue(platform)), token).ConfigureAwait(false);
                }
                catch (ImageException e) when (kind is null && e.Message.StartsWith("No such image", StringComparison.Ordinal))
                {
                    throw new ImageException($"No such object: {name}");
                }

                var image = found.Image;
                var names = (await ctx.Images.ListAsync(token).ConfigureAwait(false))
                    .Where(n => n.Target.Digest == found.Target.Digest)
                    .Where(n => n.Reference is not null)
                    .Select(n => n.Reference!)
                    .ToList();
                var configBytes = await ctx.Store.Blobs.ReadAllBytesAsync(image.Id, token).ConfigureAwait(false);
                var size = await ctx.Images.UnpackedSizeAsync(image, token).ConfigureAwait(false);
                documents.Add(InspectDocument(image, names, configBytes, size, found.Index));
            }

            if (template is null)
            {
                ctx.Env.Out.WriteLine(JsonSerializer.Serialize(documents, CliJsonContext.Default.ListJsonElement));
                return 0;
            }

            var options = new TemplateOptions { MissingKeyError = true, TypedFields = TypedFields, Structs = Structs };
            foreach (var doc in documents)
            {
                ctx.Env.Out.WriteLine(template.Execute(doc, options));
            }

            return 0;
        }, ct));
        return command;
    }

    /// <summary>The container's document, or null when no container has that name (then an error when
    /// <paramref name="required"/>).</summary>
    private static async Task<JsonElement?> FindContainerAsync(CommandContext ctx, string name, bool required, CancellationToken token)
    {
        Build.Containers.StoredContainer container;
        try
        {
            container = await ctx.Containers.FindAsync(name, token).ConfigureAwait(false);
        }
        catch (Build.Containers.ContainerException) when (!required)
        {
            return null;
        }

        var observed = container.State.Observed(ctx.Containers.IsSupervisorAlive(container.Id));
        return ContainerInspect.Document(container, observed, ctx.Containers.LogPath(container.Id));
    }

    /// <summary>docker's image inspect document. Of an index (docker's containerd image store), <c>Id</c> and the repo
    /// digests are the index's; the rest, <c>Descriptor</c> included, is the chosen platform's image.</summary>
    internal static JsonElement InspectDocument(StoredImage image, IReadOnlyList<ImageReference> names, byte[] configBytes, long size,
        StoredIndex? index = null)
    {
        using var config = JsonDocument.Parse(configBytes);
        var root = config.RootElement;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteString("Id", index?.Id.Value ?? image.Id.Value);
            w.WriteStartArray("RepoTags");
            foreach (var n in names.Where(n => n.Tag is not null))
            {
                w.WriteStringValue(n.FamiliarName + ":" + n.Tag);
            }

            w.WriteEndArray();
            w.WriteStartArray("RepoDigests");
            foreach (var n in names.Select(n => n.FamiliarName).Distinct())
            {
                w.WriteStringValue(n + "@" + (index?.Id ?? image.ManifestDescriptor.Digest).Value);
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
            w.WriteNumber("Size", size);
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
}
