namespace Slipway.Dockerfile.Instructions;

/// <summary>The ARGs BuildKit defines on its own: BUILDPLATFORM, BUILDOS, BUILDARCH, BUILDVARIANT and the TARGET*
/// ones. They are visible to FROM lines, and inside a stage once declared with a bare <c>ARG NAME</c>.</summary>
public static class PlatformArgs
{
    public static readonly IReadOnlyList<string> Names =
    [
        "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
        "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
    ];

    public static Dictionary<string, string> For(string buildPlatform, string targetPlatform)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        Add(values, "BUILD", buildPlatform);
        Add(values, "TARGET", targetPlatform);
        return values;
    }

    private static void Add(Dictionary<string, string> values, string prefix, string platform)
    {
        var parts = platform.Split('/');
        values[prefix + "PLATFORM"] = platform;
        values[prefix + "OS"] = parts[0];
        values[prefix + "ARCH"] = parts.Length > 1 ? parts[1] : "";
        values[prefix + "VARIANT"] = parts.Length > 2 ? parts[2] : "";
    }
}
