using System.CommandLine;
using Slipway.Build.Containers;
using Slipway.Cli.Output;
using Slipway.Cli.Templates;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway ps</c> (also <c>container ls|ps|list</c>): CONTAINER ID, IMAGE, COMMAND, CREATED, STATUS,
/// PORTS, NAMES as <c>docker ps</c> shows them, newest first, running containers unless <c>-a</c>, <c>-n</c> or
/// <c>-l</c>, with dockerd's filters and docker's <c>--format</c> fields. A container recorded as running whose
/// supervisor is gone shows as what it is, <c>Dead</c> (<see cref="ContainerState.Observed"/>).</summary>
internal static class PsCommand
{
    public const string DefaultTable = "{{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";

    private static readonly Dictionary<string, string> Headers = new(StringComparer.Ordinal)
    {
        ["ID"] = "CONTAINER ID",
        ["Names"] = "NAMES",
        ["Image"] = "IMAGE",
        ["Command"] = "COMMAND",
        ["CreatedAt"] = "CREATED AT",
        ["RunningFor"] = "CREATED",
        ["Ports"] = "PORTS",
        ["State"] = "STATE",
        ["Status"] = "STATUS",
        ["Size"] = "SIZE",
        ["Labels"] = "LABELS",
        ["Mounts"] = "MOUNTS",
        ["LocalVolumes"] = "LOCAL VOLUMES",
        ["Networks"] = "NETWORKS",
        ["HealthStatus"] = "HEALTH STATUS",
    };

    public static Command Create(GlobalOptions globals, ICliEnvironment env, string name = "ps", params string[] aliases)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Show all containers (default shows just running)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only display container IDs" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Don't truncate output" };
        var latest = new Option<bool>("--latest", "-l") { Description = "Show the latest created container (includes all states)" };
        var last = new Option<int>("--last", "-n")
        {
            Description = "Show n last created containers (includes all states)",
            DefaultValueFactory = _ => -1,
        };
        var filters = new Option<string[]>("--filter", "-f")
        {
            Description = "Filter output based on conditions provided (status=, name=, label=, ancestor=, id=, health=, exited=, before=, since=)",
            AllowMultipleArgumentsPerToken = false,
        };
        var format = new Option<string?>("--format")
        {
            Description = "Format output using a custom template: 'table', 'table TEMPLATE', 'json' or a Go template such as '{{.Names}}'",
        };
        var command = new Command(name, "List containers") { all, quiet, noTrunc, latest, last, filters, format };
        foreach (var alias in aliases)
        {
            command.Aliases.Add(alias);
        }

        command.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var now = ctx.Env.Time.GetUtcNow();
            var store = ctx.Containers;
            var filter = await ContainerFilter.ParseAsync(parse.GetValue(filters) ?? [],
                async n =>
                {
                    try
                    {
                        return (await ctx.Images.FindAsync(n, token).ConfigureAwait(false)).Image.Id.Value;
                    }
                    catch (Oci.SlipwayException)
                    {
                        return null; // dockerd: an ancestor it cannot find matches no container
                    }
                },
                n => store.FindAsync(n, token)).ConfigureAwait(false);
            var limit = parse.GetValue(last);
            if (parse.GetValue(latest) && limit == -1)
            {
                limit = 1;
            }

            var showAll = parse.GetValue(all) || filter.ShowsAll || limit > 0;
            var shown = new List<(StoredContainer Container, ContainerState State)>();
            foreach (var container in await store.ListAsync(token).ConfigureAwait(false))
            {
                var state = container.State.IsRunning ? container.State.Observed(store.IsSupervisorAlive(container.Id)) : container.State;
                if ((state.IsRunning || showAll) && filter.Matches(container, state))
                {
                    shown.Add((container, state));
                }

                if (limit > 0 && shown.Count == limit)
                {
                    break;
                }
            }

            var trunc = !parse.GetValue(noTrunc);
            if (parse.GetValue(quiet))
            {
                if (!string.IsNullOrEmpty(parse.GetValue(format)))
                {
                    ctx.Env.Error.WriteLine("WARNING: Ignoring custom format, because both --format and --quiet are set.");
                }

                foreach (var (container, _) in shown)
                {
                    ctx.Env.Out.WriteLine(trunc ? container.Record.ShortId : container.Id);
                }

                return 0;
            }

            var rows = shown.Select(s => (IReadOnlyDictionary<string, string>)Row(s.Container, s.State, now, trunc)).ToList();
            var methods = shown.Select(s => (IReadOnlyDictionary<string, TemplateFunction>)LabelMethod(s.Container.Record.Config.Labels)).ToList();
            new Formatter("*formatter.ContainerContext", Headers, DefaultTable)
                .Write(ctx.Env.Out, parse.GetValue(format), rows, methods, HeaderMethods);
            return 0;
        }, ct));
        return command;
    }

    /// <summary>docker's header for <c>.Label "NAME"</c> (<c>SubHeaderContext.Label</c>): the part after the last dot,
    /// dashes and underscores as spaces.</summary>
    private static readonly IReadOnlyDictionary<string, TemplateFunction> HeaderMethods = new Dictionary<string, TemplateFunction>(StringComparer.Ordinal)
    {
        ["Label"] = new([Param.String], null, a => ((string)a[0]!).Split('.')[^1].Replace('-', ' ').Replace('_', ' ')),
    };

    /// <summary><c>.Label "NAME"</c>: the label's value, empty when the container has no such label.</summary>
    private static Dictionary<string, TemplateFunction> LabelMethod(IReadOnlyDictionary<string, string>? labels) =>
        new Dictionary<string, TemplateFunction>(StringComparer.Ordinal)
        {
            ["Label"] = new([Param.String], null, a => labels?.GetValueOrDefault((string)a[0]!) ?? ""),
        };

    /// <summary>A row's fields, all strings, as docker's ContainerContext gives them. PORTS is empty unless the
    /// container runs: dockerd drops a container's port bindings when it stops.</summary>
    internal static Dictionary<string, string> Row(StoredContainer container, ContainerState state, DateTimeOffset now, bool trunc)
    {
        var record = container.Record;
        var running = ContainerText.State(state) == ContainerState.Running;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ID"] = trunc ? record.ShortId : record.Id,
            ["Names"] = record.Name,
            ["Image"] = ContainerText.Image(record, noTrunc: !trunc),
            ["Command"] = ContainerText.QuotedCommand(record, noTrunc: !trunc),
            ["CreatedAt"] = ContainerText.CreatedAt(record.Created),
            ["RunningFor"] = ContainerText.RunningFor(record.Created, now),
            ["Ports"] = running ? PortsText.Format(PortsText.Summaries(record.Ports, record.Config.ExposedPorts)) : "",
            ["State"] = ContainerText.State(state),
            ["Status"] = ContainerText.Status(state, now),
            ["Size"] = "0B",
            ["Labels"] = ContainerText.Labels(record.Config.Labels),
            ["Mounts"] = "",
            ["LocalVolumes"] = "0",
            ["Networks"] = record.NetworkMode,
            ["HealthStatus"] = state.Health?.Status ?? "",
        };
    }
}
