using System.CommandLine;
using System.Globalization;
using Slipway.Cli.Output;
using Slipway.Store.Images;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway images</c>: REPOSITORY, TAG, IMAGE ID, CREATED, SIZE as <c>docker images</c> shows them, newest
/// first, SIZE the unpacked size docker shows (the compressed size is <c>{{.CompressedSize}}</c>), with docker's
/// <c>--filter</c>s and <c>--format</c> templates. A name of an index is one row whose IMAGE ID is the index digest and
/// whose SIZE sums its stored platforms (docker's containerd image store); <c>--tree</c> shows the platforms.</summary>
internal static class ImagesCommand
{
    public const string DefaultTable = "{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";

    /// <summary>docker's table under <c>--digests</c> (defaultImageTableFormatWithDigest).</summary>
    public const string DigestTable = "{{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";

    private static readonly Dictionary<string, string> Headers = new(StringComparer.Ordinal)
    {
        ["Repository"] = "REPOSITORY",
        ["Tag"] = "TAG",
        ["ID"] = "IMAGE ID",
        ["CreatedSince"] = "CREATED",
        ["CreatedAt"] = "CREATED AT",
        ["Size"] = "SIZE",
        ["CompressedSize"] = "COMPRESSED SIZE",
        ["Digest"] = "DIGEST",
        ["Containers"] = "CONTAINERS",
        ["SharedSize"] = "SHARED SIZE",
        ["UniqueSize"] = "UNIQUE SIZE",
        ["VirtualSize"] = "SIZE",
    };

    public static Command Create(GlobalOptions globals, ICliEnvironment env)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Show all images (default hides intermediate images)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only show image IDs" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Don't truncate output" };
        var digests = new Option<bool>("--digests") { Description = "Show digests" };
        var filters = new Option<string[]>("--filter", "-f")
        {
            Description = "Filter output based on conditions provided (dangling=, label=, before=, since=, reference=, until=)",
            AllowMultipleArgumentsPerToken = false,
        };
        var format = new Option<string?>("--format")
        {
            Description = "Format output using a custom template: 'table', 'table TEMPLATE', 'json' or a Go template such as '{{.Size}}'",
        };
        var tree = new Option<bool>("--tree") { Description = "List multi-platform images as a tree (EXPERIMENTAL)" };
        var repository = new Argument<string?>("REPOSITORY[:TAG]") { Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("images", "List images") { all, quiet, digests, noTrunc, filters, format, tree, repository };
        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var now = ctx.Env.Time.GetUtcNow();
            var given = (parse.GetValue(filters) ?? []).ToList();
            if (parse.GetValue(repository) is { } name)
            {
                given.Add("reference=" + name); // docker turns the argument into a reference filter
            }

            var filter = await ImageFilter.ParseAsync(given, now,
                async n => (await ctx.Images.FindAsync(n, token).ConfigureAwait(false)).Image).ConfigureAwait(false);
            var named = (await ctx.Images.ListAsync(token).ConfigureAwait(false))
                .Where(n => filter.MatchesImage(n) && filter.MatchesName(n))
                .OrderByDescending(n => n.Image.Config.Created ?? DateTimeOffset.MinValue)
                .ThenBy(n => n.Name, StringComparer.Ordinal)
                .ToList();
            if (parse.GetValue(tree))
            {
                if (TreeConflict(parse.GetValue(quiet), parse.GetValue(noTrunc), parse.GetValue(digests), parse.GetValue(format)) is { } conflict)
                {
                    return ErrorRenderer.Fail(ctx.Env.Error, conflict);
                }

                var inUse = await ImagesInUse.IdsAsync(ctx, token).ConfigureAwait(false);
                var shown = named.Where(n => parse.GetValue(all) || !n.IsDangling).ToList();
                ImageTree.Write(ctx.Env.Out, await ImagesTree.BuildAsync(ctx.Images, shown, inUse, token).ConfigureAwait(false));
                return 0;
            }

            if (parse.GetValue(quiet))
            {
                foreach (var id in named.Select(n => parse.GetValue(noTrunc) ? n.Id.Value : n.Id.ShortHex).Distinct())
                {
                    ctx.Env.Out.WriteLine(id);
                }

                return 0;
            }

            var sizes = new Dictionary<Oci.Digest, long>();
            var rows = new List<IReadOnlyDictionary<string, string>>();
            foreach (var n in named)
            {
                var key = n.Target.Digest;
                if (!sizes.TryGetValue(key, out var size))
                {
                    // An index's SIZE is the sum of its stored platforms' (one row per name, as docker's containerd store).
                    size = 0;
                    foreach (var image in n.Index?.Images ?? [n.Image])
                    {
                        size += await ctx.Images.UnpackedSizeAsync(image, token).ConfigureAwait(false);
                    }

                    sizes[key] = size;
                }

                rows.Add(Row(n, size, now, parse.GetValue(noTrunc)));
            }

            var showDigests = parse.GetValue(digests);
            new Formatter("*formatter.imageContext", Headers, showDigests ? DigestTable : DefaultTable)
                .Write(ctx.Env.Out, WithDigest(parse.GetValue(format), showDigests), rows);
            return 0;
        }, ct));
        return command;
    }

    /// <summary>docker's refusals of options <c>--tree</c> does not support yet.</summary>
    internal static string? TreeConflict(bool quiet, bool noTrunc, bool digests, string? format) =>
        quiet ? "--quiet is not yet supported with --tree"
        : noTrunc ? "--no-trunc is not yet supported with --tree"
        : digests ? "--show-digest is not yet supported with --tree"
        : format is not null ? "--format is not yet supported with --tree"
        : null;

    /// <summary>docker's NewImageFormat: <c>--digests</c> with a <c>table …</c> of one's own that shows no digest gets
    /// a DIGEST column at the end; other formats are left as written.</summary>
    internal static string? WithDigest(string? format, bool digests) =>
        digests && format is not null && format.StartsWith("table", StringComparison.Ordinal) && format != "table"
            && !format.Contains("{{.Digest}}", StringComparison.Ordinal)
            ? format + "\t{{.Digest}}"
            : format;

    /// <summary>A row's fields, all strings, as docker's imageContext gives them (and <c>CompressedSize</c>, which
    /// docker has not).</summary>
    internal static Dictionary<string, string> Row(NamedImage named, long size, DateTimeOffset now, bool noTrunc)
    {
        var reference = named.Reference;
        var created = named.Image.Config.Created;
        var id = noTrunc ? named.Id.Value : named.Id.ShortHex;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Repository"] = reference?.FamiliarName ?? "<none>",
            ["Tag"] = reference?.Tag ?? "<none>",
            // As docker's with the containerd image store, where every name has a repo digest (its manifest's); an
            // image without a name shows <none>, as docker's formatter shows a dangling one.
            ["Digest"] = reference is null ? "<none>" : reference.Digest?.Value ?? named.Target.Digest.Value,
            ["ID"] = id,
            ["CreatedSince"] = Units.Ago(created, now),
            ["CreatedAt"] = created?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss '+0000 UTC'", CultureInfo.InvariantCulture) ?? "",
            ["Size"] = Units.HumanSize(size),
            ["CompressedSize"] = Units.HumanSize((named.Index?.Images ?? [named.Image]).Sum(i => i.CompressedSize)),
            ["Containers"] = "N/A",
            ["SharedSize"] = "N/A",
            ["UniqueSize"] = "N/A",
            ["VirtualSize"] = Units.HumanSize(size),
        };
    }
}
