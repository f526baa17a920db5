using Slipway.Build.Context;
using Slipway.Build.Hygiene;
using Slipway.Store.Images;

namespace Slipway.Cli.Commands;

/// <summary><c>images --filter</c> as the docker engine applies it (moby daemon/images/image_list.go): filters of
/// different names must all hold; several <c>reference</c> patterns match if any does (Go's <c>path.Match</c> on the
/// familiar name, the familiar name:tag and the full forms); several <c>label</c>s must all hold; <c>before</c> takes
/// the oldest image named and <c>since</c> the newest; an image no name is left for is not listed.</summary>
internal sealed class ImageFilter
{
    private static readonly HashSet<string> Accepted = ["dangling", "label", "before", "since", "reference", "until"];

    private readonly List<string> _references = [];
    private readonly List<string> _labels = [];
    private readonly List<string> _notLabels = [];
    private bool? _dangling;
    private DateTimeOffset? _before;
    private DateTimeOffset? _since;

    private ImageFilter()
    {
    }

    /// <summary>Parses <c>name=value</c> filters, resolving <c>before</c>/<c>since</c> images through <paramref name="find"/>;
    /// a mistake, or a filter not in <paramref name="accepted"/> (default: those of <c>images</c>), throws with docker's
    /// words.</summary>
    public static async Task<ImageFilter> ParseAsync(IEnumerable<string> filters, DateTimeOffset now,
        Func<string, Task<StoredImage>> find, IReadOnlySet<string>? accepted = null)
    {
        accepted ??= Accepted;
        var filter = new ImageFilter();
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var text in filters.Where(f => f.Length > 0))
        {
            if (!text.Contains('=', StringComparison.Ordinal))
            {
                throw new ImageException($"invalid argument \"{text}\" for \"-f, --filter\" flag: bad format of filter (expected name=value)");
            }

            var name = text[..text.IndexOf('=', StringComparison.Ordinal)].Trim().ToLowerInvariant();
            var value = text[(text.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim();
            if (!values.TryGetValue(name, out var list))
            {
                values[name] = list = [];
            }

            if (!list.Contains(value))
            {
                list.Add(value);
            }
        }

        foreach (var (name, list) in values)
        {
            if (!accepted.Contains(name))
            {
                throw new ImageException($"invalid filter '{name}'");
            }

            switch (name)
            {
                case "dangling":
                    var isFalse = list.Contains("0") || list.Contains("false");
                    var isTrue = list.Contains("1") || list.Contains("true");
                    if (isFalse == isTrue)
                    {
                        throw new ImageException($"invalid filter 'dangling=[{string.Join(' ', list)}]'");
                    }

                    filter._dangling = isTrue;
                    break;
                case "reference":
                    filter._references.AddRange(list);
                    break;
                case "label":
                    filter._labels.AddRange(list);
                    break;
                case "label!":
                    // `label!=k=v` splits at its first '=' into the filter "label!" and "k=v", as docker's does.
                    filter._notLabels.AddRange(list);
                    break;
                case "until":
                    foreach (var value in list)
                    {
                        if (!PruneFilter.TryParse("until=" + value, now, out var until, out var error))
                        {
                            throw new ImageException($"invalid value for 'until' filter: {error}");
                        }

                        filter._before = filter._before is { } b && b < until ? b : until;
                    }

                    break;
                default:
                    foreach (var value in list)
                    {
                        var created = (await find(value).ConfigureAwait(false)).Config.Created;
                        if (created is not { } c)
                        {
                            continue;
                        }

                        if (name == "before")
                        {
                            filter._before = filter._before is { } b && b < c ? b : c;
                        }
                        else
                        {
                            filter._since = filter._since is { } s && s > c ? s : c;
                        }
                    }

                    break;
            }
        }

        return filter;
    }

    /// <summary>Whether the image behind <paramref name="named"/> passes the filters that are about the image.</summary>
    public bool MatchesImage(NamedImage named)
    {
        var config = named.Image.Config;
        if (_before is { } before && (config.Created is not { } c1 || c1 >= before))
        {
            return false;
        }

        if (_since is { } since && (config.Created is not { } c2 || c2 <= since))
        {
            return false;
        }

        // moby's matchLabels: every label= must hold; an image every label!= holds for is kept out.
        if (_labels.Count > 0 && !MatchLabels(_labels, config.Config?.Labels)
            || _notLabels.Count > 0 && MatchLabels(_notLabels, config.Config?.Labels))
        {
            return false;
        }

        return _dangling switch
        {
            true => named.IsDangling,
            false => !named.IsDangling,
            null => !named.IsDangling || _references.Count == 0,
        };
    }

    /// <summary>docker's filters.Args.MatchKVList: each test (<c>KEY</c> or <c>KEY=VALUE</c>) holds for the labels;
    /// an image without labels matches none.</summary>
    private static bool MatchLabels(List<string> tests, IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is not { Count: > 0 })
        {
            return false;
        }

        foreach (var test in tests)
        {
            var eq = test.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? test : test[..eq];
            if (!labels.TryGetValue(key, out var value) || (eq >= 0 && value != test[(eq + 1)..]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether a name passes the <c>reference</c> patterns: any of them matching any of the name's forms.</summary>
    public bool MatchesName(NamedImage named)
    {
        if (_references.Count == 0)
        {
            return true;
        }

        if (named.Reference is not { } reference)
        {
            return false;
        }

        string[] targets =
        [
            reference.FamiliarString,
            reference.FamiliarName,
            reference.Tag is null ? reference.Name : reference.Name + ":" + reference.Tag,
            reference.Name,
        ];
        return _references.Any(pattern => targets.Any(target => PathMatch(pattern, target)));
    }

    /// <summary>Go's <c>path.Match</c> (which is <see cref="GoPath.Match"/> on Unix); a malformed pattern is Go's
    /// ErrBadPattern.</summary>
    public static bool PathMatch(string pattern, string name) =>
        GoPath.Match(pattern, name, out var bad) || (bad ? throw BadPattern() : false);

    private static ImageException BadPattern() => new(GoPath.BadPatternMessage);
}
