namespace Slipway.Store.Layers;

/// <summary>The OCI layer names that delete instead of add: <c>.wh.NAME</c> removes NAME from the layers below,
/// <c>.wh..wh..opq</c> hides everything below its directory, and other <c>.wh..wh.</c> names are reserved.</summary>
public static class Whiteouts
{
    public const string Prefix = ".wh.";
    public const string MetaPrefix = ".wh..wh.";
    public const string OpaqueMarker = ".wh..wh..opq";
}
