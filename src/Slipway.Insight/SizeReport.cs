using System.Text.Json.Serialization;

namespace Slipway.Insight;

/// <summary>Where an image's bytes are: per layer, what later layers hide (waste), and what the final
/// filesystem holds. Sizes are bytes; "content" sizes count regular files only, as dive does.</summary>
public sealed record SizeReport
{
    /// <summary>The name the user asked for (or the id).</summary>
    public required string Image { get; init; }

    public required string Id { get; init; }

    /// <summary>Config plus compressed layers: what <c>slipway images</c> shows and what a pull moves.</summary>
    public required long CompressedSize { get; init; }

    /// <summary>Bytes of regular files every layer adds, summed over the layers.</summary>
    public required long AddedBytes { get; init; }

    /// <summary>Bytes of regular files visible in the final filesystem.</summary>
    public required long FinalBytes { get; init; }

    /// <summary>Bytes added by one layer and hidden by a later one (overwritten or deleted).</summary>
    public required long WastedBytes { get; init; }

    /// <summary>FinalBytes / AddedBytes (1 when nothing was added).</summary>
    public required double Efficiency { get; init; }

    public required int FileCount { get; init; }

    public required IReadOnlyList<LayerSize> Layers { get; init; }

    /// <summary>How many files were hidden in all (<see cref="Wasted"/> holds the largest).</summary>
    public required int WastedFileCount { get; init; }

    public required IReadOnlyList<WastedFile> Wasted { get; init; }

    public required IReadOnlyList<PathSize> LargestFiles { get; init; }

    public required IReadOnlyList<PathSize> LargestDirectories { get; init; }

    /// <summary>The final filesystem for the treemap, bounded in nodes; not part of the JSON report.</summary>
    [JsonIgnore]
    public TreeNode? Tree { get; init; }

    /// <summary>A layer's instruction for display: without the legacy <c>#(nop)</c> prefix, cut at <paramref name="max"/>.</summary>
    public static string ShortInstruction(string? createdBy, int max)
    {
        var text = (createdBy ?? "(no history)").Replace("/bin/sh -c #(nop) ", "", StringComparison.Ordinal).Trim();
        return text.Length <= max ? text : text[..(max - 1)] + "…";
    }
}

/// <summary>One layer: the history entry that made it and what it holds.</summary>
public sealed record LayerSize
{
    /// <summary>0-based, bottom first.</summary>
    public required int Index { get; init; }

    public required string Digest { get; init; }

    public required long CompressedSize { get; init; }

    /// <summary>Bytes of the regular files the layer adds.</summary>
    public required long ContentSize { get; init; }

    public required int Files { get; init; }

    /// <summary>Whiteouts (deletions, opaque directories) the layer carries.</summary>
    public required int Whiteouts { get; init; }

    /// <summary>Of <see cref="ContentSize"/>, the bytes a later layer hides.</summary>
    public required long WastedSize { get; init; }

    /// <summary>The history's <c>created_by</c>, or null when the history does not say.</summary>
    public string? CreatedBy { get; init; }

    public string? Comment { get; init; }
}

public enum WasteKind
{
    Overwritten,
    Deleted,
}

/// <summary>A file one layer added and a later one overwrote or deleted.</summary>
public sealed record WastedFile(string Path, long Size, int AddedBy, int RemovedBy, [property: JsonConverter(typeof(JsonStringEnumConverter<WasteKind>))] WasteKind Kind);

/// <summary>A file or directory of the final filesystem; <see cref="Layer"/> is the layer that brought it
/// (for a directory, the one that brought most of its bytes).</summary>
public sealed record PathSize(string Path, long Size, int Layer);

/// <summary>A node of the treemap: a directory with children, or a leaf (a file, or a directory whose contents
/// were folded into it to keep the data bounded).</summary>
public sealed record TreeNode
{
    [JsonPropertyName("n")]
    public required string Name { get; init; }

    [JsonPropertyName("s")]
    public required long Size { get; init; }

    [JsonPropertyName("l")]
    public required int Layer { get; init; }

    [JsonPropertyName("c")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<TreeNode>? Children { get; init; }

    /// <summary>True when the node stands for a folded directory's contents.</summary>
    [JsonPropertyName("f")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Folded { get; init; }
}

/// <summary>Two images side by side: the baseline and the other, and what the other saves.</summary>
public sealed record SizeComparison(SizeReport Baseline, SizeReport Other)
{
    public long CompressedSaving => Baseline.CompressedSize - Other.CompressedSize;

    public long ContentSaving => Baseline.FinalBytes - Other.FinalBytes;

    /// <summary>The compressed saving as a percentage of the baseline.</summary>
    public double CompressedSavingPercent => Baseline.CompressedSize == 0 ? 0 : 100.0 * CompressedSaving / Baseline.CompressedSize;

    public double ContentSavingPercent => Baseline.FinalBytes == 0 ? 0 : 100.0 * ContentSaving / Baseline.FinalBytes;
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SizeReport))]
[JsonSerializable(typeof(SizeComparison))]
[JsonSerializable(typeof(TreeNode))]
[JsonSerializable(typeof(string[]))]
public sealed partial class InsightJsonContext : JsonSerializerContext;
