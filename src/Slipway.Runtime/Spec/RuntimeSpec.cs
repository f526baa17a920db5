using System.Text.Json.Serialization;

namespace Slipway.Runtime.Spec;

/// <summary>The subset of the OCI runtime spec (config.json) that a build step needs. Wire names are
/// the spec's; C# names are ours.</summary>
public sealed class RuntimeSpec
{
    [JsonPropertyName("ociVersion")]
    public string OciVersion { get; set; } = "1.0.2";

    [JsonPropertyName("process")]
    public ProcessSpec Process { get; set; } = new();

    [JsonPropertyName("root")]
    public RootSpec Root { get; set; } = new();

    [JsonPropertyName("hostname")]
    public string? Hostname { get; set; }

    [JsonPropertyName("mounts")]
    public List<MountSpec> Mounts { get; set; } = [];

    [JsonPropertyName("linux")]
    public LinuxSpec Linux { get; set; } = new();
}

public sealed class ProcessSpec
{
    [JsonPropertyName("terminal")]
    public bool Terminal { get; set; }

    [JsonPropertyName("user")]
    public UserSpec User { get; set; } = new();

    [JsonPropertyName("args")]
    public List<string> Args { get; set; } = [];

    [JsonPropertyName("env")]
    public List<string> Env { get; set; } = [];

    [JsonPropertyName("cwd")]
    public string Cwd { get; set; } = "/";

    [JsonPropertyName("capabilities")]
    public CapabilitiesSpec? Capabilities { get; set; }

    [JsonPropertyName("rlimits")]
    public List<RlimitSpec>? Rlimits { get; set; }

    [JsonPropertyName("noNewPrivileges")]
    public bool NoNewPrivileges { get; set; }
}

public sealed class UserSpec
{
    [JsonPropertyName("uid")]
    public uint Uid { get; set; }

    [JsonPropertyName("gid")]
    public uint Gid { get; set; }

    [JsonPropertyName("umask")]
    public uint? Umask { get; set; }

    [JsonPropertyName("additionalGids")]
    public List<uint>? AdditionalGids { get; set; }
}

public sealed class CapabilitiesSpec
{
    [JsonPropertyName("bounding")]
    public List<string> Bounding { get; set; } = [];

    [JsonPropertyName("effective")]
    public List<string> Effective { get; set; } = [];

    [JsonPropertyName("permitted")]
    public List<string> Permitted { get; set; } = [];
}

public sealed class RlimitSpec
{
    [JsonPropertyName("type")]
    public string Type { get; set; } = "";

    [JsonPropertyName("hard")]
    public ulong Hard { get; set; }

    [JsonPropertyName("soft")]
    public ulong Soft { get; set; }
}

public sealed class RootSpec
{
    [JsonPropertyName("path")]
    public string Path { get; set; } = "rootfs";

    [JsonPropertyName("readonly")]
    public bool Readonly { get; set; }
}

public sealed class MountSpec
{
    /// <summary>A host file or directory seen at <paramref name="destination"/> in the container (<c>-v
    /// /host:/ctr[:ro]</c>), as moby mounts one: recursive, private propagation, read-only when asked. runc makes
    /// the destination in the root filesystem when it is missing.</summary>
    public static MountSpec Bind(string source, string destination, bool readOnly) => new()
    {
        Destination = destination,
        Type = "bind",
        Source = source,
        Options = ["rbind", "rprivate", readOnly ? "ro" : "rw"],
    };

    [JsonPropertyName("destination")]
    public string Destination { get; set; } = "";

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("source")]
    public string? Source { get; set; }

    [JsonPropertyName("options")]
    public List<string>? Options { get; set; }
}

public sealed class LinuxSpec
{
    [JsonPropertyName("namespaces")]
    public List<NamespaceSpec> Namespaces { get; set; } = [];

    [JsonPropertyName("maskedPaths")]
    public List<string>? MaskedPaths { get; set; }

    [JsonPropertyName("readonlyPaths")]
    public List<string>? ReadonlyPaths { get; set; }

    [JsonPropertyName("cgroupsPath")]
    public string? CgroupsPath { get; set; }

    [JsonPropertyName("seccomp")]
    public SeccompSpec? Seccomp { get; set; }
}

public sealed class SeccompSpec
{
    [JsonPropertyName("defaultAction")]
    public string DefaultAction { get; set; } = "";

    [JsonPropertyName("defaultErrnoRet")]
    public uint? DefaultErrnoRet { get; set; }

    [JsonPropertyName("architectures")]
    public List<string> Architectures { get; set; } = [];

    [JsonPropertyName("syscalls")]
    public List<SeccompSyscallSpec> Syscalls { get; set; } = [];
}

public sealed class SeccompSyscallSpec
{
    [JsonPropertyName("names")]
    public List<string> Names { get; set; } = [];

    [JsonPropertyName("action")]
    public string Action { get; set; } = "";

    [JsonPropertyName("errnoRet")]
    public uint? ErrnoRet { get; set; }

    [JsonPropertyName("args")]
    public List<SeccompArgSpec>? Args { get; set; }
}

public sealed class SeccompArgSpec
{
    [JsonPropertyName("index")]
    public uint Index { get; set; }

    [JsonPropertyName("value")]
    public ulong Value { get; set; }

    [JsonPropertyName("valueTwo")]
    public ulong ValueTwo { get; set; }

    [JsonPropertyName("op")]
    public string Op { get; set; } = "";
}

/// <summary>What <c>runc state</c> (and <c>crun state</c>) print; only the fields Slipway reads.</summary>
internal sealed class RuntimeStateOutput
{
    [JsonPropertyName("status")]
    public string Status { get; set; } = "";

    [JsonPropertyName("pid")]
    public int Pid { get; set; }
}

public sealed class NamespaceSpec
{
    [JsonPropertyName("type")]
    public string Type { get; set; } = "";

    [JsonPropertyName("path")]
    public string? Path { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(RuntimeSpec))]
[JsonSerializable(typeof(ProcessSpec))]
[JsonSerializable(typeof(RuntimeStateOutput))]
internal sealed partial class RuntimeSpecJsonContext : JsonSerializerContext;
