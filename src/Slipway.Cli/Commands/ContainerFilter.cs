using System.Globalization;
using System.Text.RegularExpressions;
using Slipway.Build.Containers;
using Slipway.Build.Containers.Health;
using Slipway.Cli.Output;

namespace Slipway.Cli.Commands;

/// <summary><c>ps --filter</c> as dockerd applies it (moby daemon/list.go): filters of different names must all
/// hold, several values of one name match if any does — except <c>label</c>, where all must. <c>name</c> and
/// <c>id</c> are regular expressions found anywhere in the value, <c>status</c> and <c>health</c> must be one of
/// docker's words, <c>exited</c> an exit code of a container that ran and stopped, <c>ancestor</c> an image (by
/// name or id) the container was made from, <c>before</c>/<c>since</c> a container older or newer than it.</summary>
internal sealed class ContainerFilter
{
    private static readonly string[] States = ["created", "running", "paused", "restarting", "removing", "exited", "dead"];
    private static readonly string[] Healths = [HealthState.None, HealthState.Starting, HealthState.Healthy, HealthState.Unhealthy];
    private static readonly HashSet<string> Accepted = ["ancestor", "before", "exited", "health", "id", "label", "name", "since", "status"];

    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ancestors = new(StringComparer.Ordinal);
    private readonly List<int> _exited = [];
    private DateTimeOffset? _before;
    private DateTimeOffset? _since;

    private ContainerFilter()
    {
    }

    /// <summary>Whether a status filter was given: dockerd then lists stopped containers too.</summary>
    public bool ShowsAll => _values.ContainsKey("status");

    /// <summary>Parses <c>name=value</c> filters; <paramref name="findImageId"/> gives the id of an image named by an
    /// <c>ancestor</c> filter (null when there is none), <paramref name="findContainer"/> the container of a
    /// <c>before</c>/<c>since</c> filter. A mistake throws with docker's words.</summary>
    public static async Task<ContainerFilter> ParseAsync(IEnumerable<string> filters, Func<string, Task<string?>> findImageId,
        Func<string, Task<StoredContainer>> findContainer)
    {
        ArgumentNullException.ThrowIfNull(filters);
        var filter = new ContainerFilter();
        foreach (var text in filters.Where(f => f.Length > 0))
        {
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                throw new ContainerException($"invalid argument \"{text}\" for \"-f, --filter\" flag: bad format of filter (expected name=value)");
            }

            var name = text[..eq].Trim().ToLowerInvariant();
            if (!filter._values.TryGetValue(name, out var list))
            {
                filter._values[name] = list = [];
            }

            list.Add(text[(eq + 1)..].Trim());
        }

        foreach (var (name, list) in filter._values)
        {
            if (!Accepted.Contains(name))
            {
                throw new ContainerException($"invalid filter '{name}'");
            }

            foreach (var value in list)
            {
                switch (name)
                {
                    case "exited":
                        filter._exited.Add(int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code)
                            ? code
                            : throw new ContainerException($"invalid filter 'exited={value}': strconv.Atoi: parsing \"{value}\": invalid syntax"));
                        break;
                    case "status" when !States.Contains(value):
                        throw new ContainerException($"invalid filter 'status={value}': invalid value for state ({value}): must be one of {string.Join(", ", States)}");
                    case "health" when !Healths.Contains(value):
                        throw new ContainerException($"invalid filter 'health={value}': invalid value for health ({value}): must be one of {string.Join(", ", Healths)}");
                    case "ancestor" when await findImageId(value).ConfigureAwait(false) is { } imageId:
                        filter._ancestors.Add(imageId);
                        break;
                    case "before":
                        filter._before = (await findContainer(value).ConfigureAwait(false)).Record.Created;
                        break;
                    case "since":
                        filter._since = (await findContainer(value).ConfigureAwait(false)).Record.Created;
                        break;
                }
            }
        }

        return filter;
    }

    /// <summary>Whether <paramref name="container"/>, in its observed <paramref name="state"/>, passes.</summary>
    public bool Matches(StoredContainer container, ContainerState state)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(state);
        var record = container.Record;
        if (_before is { } before && record.Created >= before || _since is { } since && record.Created <= since)
        {
            return false;
        }

        if (!Match("name", record.Name) && !Match("name", "/" + record.Name) || !Match("id", record.Id))
        {
            return false;
        }

        if (_values.TryGetValue("label", out var labels) && !labels.All(l => HasLabel(record.Config.Labels, l)))
        {
            return false;
        }

        var dockerState = ContainerText.State(state);
        if (_exited.Count > 0 && !(dockerState == ContainerState.Exited && _exited.Contains(state.ExitCode)))
        {
            return false;
        }

        if (_values.TryGetValue("status", out var statuses) && !statuses.Contains(dockerState))
        {
            return false;
        }

        if (_values.TryGetValue("health", out var healths) && !healths.Contains(ContainerText.HealthFilterValue(state)))
        {
            return false;
        }

        return !_values.ContainsKey("ancestor") || _ancestors.Contains(record.ImageId.Value);
    }

    /// <summary>moby's <c>filters.Match</c>: no such filter, an exact value, or a regular expression found in it.</summary>
    private bool Match(string name, string source)
    {
        if (!_values.TryGetValue(name, out var patterns))
        {
            return true;
        }

        foreach (var pattern in patterns)
        {
            if (pattern == source)
            {
                return true;
            }

            try
            {
                if (Regex.IsMatch(source, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
                {
                    return true;
                }
            }
            catch (ArgumentException)
            {
                // An invalid expression matches nothing, as Go's MatchString error is skipped.
            }
        }

        return false;
    }

    /// <summary><c>label=KEY</c> or <c>label=KEY=VALUE</c>.</summary>
    private static bool HasLabel(IReadOnlyDictionary<string, string>? labels, string filter)
    {
        var eq = filter.IndexOf('=', StringComparison.Ordinal);
        var key = eq < 0 ? filter : filter[..eq];
        return labels is not null && labels.TryGetValue(key, out var value) && (eq < 0 || value == filter[(eq + 1)..]);
    }
}
