using System.Globalization;
using System.Text.Json;
using Slipway.Build.Containers;
using Slipway.Build.Containers.Health;
using Slipway.Oci;

namespace Slipway.Cli.Commands;

/// <summary>A container as <c>docker container inspect</c> shows it: Id, Created, Path, Args, State (with Health while
/// there is a health check), Image, Name with its <c>/</c>, the log's path, HostConfig, Config and NetworkSettings'
/// Ports, in docker's field names and order.</summary>
internal static class ContainerInspect
{
    /// <summary>docker's time for "never": Go's zero time.</summary>
    private const string ZeroTime = "0001-01-01T00:00:00Z";

    public static JsonElement Document(StoredContainer container, ContainerState observed, string logPath)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(observed);
        var record = container.Record;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("Id", record.Id);
            w.WriteString("Created", Rfc3339TimeConverter.Format(record.Created));
            w.WriteString("Path", record.Path);
            Strings(w, "Args", record.Args);
            State(w, observed);
            w.WriteString("Image", record.ImageId.Value);
            w.WriteString("LogPath", logPath);
            w.WriteString("Name", "/" + record.Name);
            w.WriteNumber("RestartCount", 0);
            w.WriteString("Driver", "overlay");
            w.WriteString("Platform", "linux");
            w.WriteStartObject("HostConfig");
            Strings(w, "Binds", record.Binds.Count == 0 ? null : record.Binds);
            w.WriteString("NetworkMode", record.NetworkMode);
            Ports(w, "PortBindings", record, bound: false);
            w.WriteBoolean("AutoRemove", record.AutoRemove);
            w.WriteString("Runtime", record.RuntimeName);
            w.WriteEndObject();
            Config(w, record);
            w.WriteStartObject("NetworkSettings");
            Ports(w, "Ports", record, bound: true);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    private static void State(Utf8JsonWriter w, ContainerState state)
    {
        w.WriteStartObject("State");
        w.WriteString("Status", state.Status);
        w.WriteBoolean("Running", state.IsRunning);
        w.WriteBoolean("Paused", false);
        w.WriteBoolean("Restarting", false);
        w.WriteBoolean("OOMKilled", state.OOMKilled);
        w.WriteBoolean("Dead", state.Status == ContainerState.Dead);
        w.WriteNumber("Pid", state.IsRunning ? state.Pid : 0);
        w.WriteNumber("ExitCode", state.ExitCode);
        w.WriteString("Error", state.Error);
        w.WriteString("StartedAt", state.StartedAt is { } started ? Rfc3339TimeConverter.Format(started) : ZeroTime);
        w.WriteString("FinishedAt", state.FinishedAt is { } finished ? Rfc3339TimeConverter.Format(finished) : ZeroTime);
        if (state.Health is { } health)
        {
            Health(w, health);
        }

        w.WriteEndObject();
    }

    private static void Health(Utf8JsonWriter w, HealthState health)
    {
        w.WriteStartObject("Health");
        w.WriteString("Status", health.Status);
        w.WriteNumber("FailingStreak", health.FailingStreak);
        w.WriteStartArray("Log");
        foreach (var result in health.Log)
        {
            w.WriteStartObject();
            w.WriteString("Start", Rfc3339TimeConverter.Format(result.Start));
            w.WriteString("End", Rfc3339TimeConverter.Format(result.End));
            w.WriteNumber("ExitCode", result.ExitCode);
            w.WriteString("Output", result.Output);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Config(Utf8JsonWriter w, ContainerRecord record)
    {
        var config = record.Config;
        w.WriteStartObject("Config");
        w.WriteString("Hostname", record.Hostname);
        w.WriteString("Domainname", "");
        w.WriteString("User", config.User ?? "");
        w.WriteBoolean("AttachStdin", record.OpenStdin);
        w.WriteBoolean("AttachStdout", true);
        w.WriteBoolean("AttachStderr", true);
        if (config.ExposedPorts is { Count: > 0 } exposed)
        {
            w.WriteStartObject("ExposedPorts");
            foreach (var port in exposed)
            {
                w.WriteStartObject(port);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        w.WriteBoolean("Tty", record.Tty);
        w.WriteBoolean("OpenStdin", record.OpenStdin);
        w.WriteBoolean("StdinOnce", false);
        Strings(w, "Env", config.Env);
        Strings(w, "Cmd", config.Cmd);
        if (config.Healthcheck is { } healthcheck)
        {
            w.WritePropertyName("Healthcheck");
            JsonSerializer.Serialize(w, healthcheck, ContainerJsonContext.Default.HealthConfig);
        }

        w.WriteString("Image", record.Image);
        w.WriteNull("Volumes");
        w.WriteString("WorkingDir", config.WorkingDir ?? "");
        Strings(w, "Entrypoint", config.Entrypoint);
        w.WriteNull("OnBuild");
        w.WriteStartObject("Labels");
        foreach (var (key, value) in (config.Labels ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
        if (config.StopSignal is { } signal)
        {
            w.WriteString("StopSignal", signal);
        }

        w.WriteEndObject();
    }

    /// <summary>docker's port map: <c>{"80/tcp":[{"HostIp":"","HostPort":"8080"}]}</c>. HostConfig keeps the address as
    /// given; NetworkSettings shows the bound address (<c>0.0.0.0</c> for all).</summary>
    private static void Ports(Utf8JsonWriter w, string name, ContainerRecord record, bool bound)
    {
        w.WriteStartObject(name);
        foreach (var group in record.Ports.GroupBy(p => $"{p.ContainerPort}/{p.Protocol}"))
        {
            w.WriteStartArray(group.Key);
            foreach (var port in group)
            {
                w.WriteStartObject();
                w.WriteString("HostIp", bound && port.HostIp.Length == 0 ? "0.0.0.0" : port.HostIp);
                w.WriteString("HostPort", port.HostPort.ToString(CultureInfo.InvariantCulture));
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string>? values)
    {
        if (values is null)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }
}
