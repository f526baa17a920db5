namespace Slipway.Insight;

/// <summary>The union filesystem the layers build, as paths and sizes only (nothing is extracted). Applying the
/// layers bottom first with overlay's rules tells, for every byte a layer adds, whether it is still visible at
/// the top or a later layer hid it: by writing the same path, by a whiteout <c>.wh.NAME</c>, or by an opaque
/// directory <c>.wh..wh..opq</c>, which hides what lower layers put in that directory.</summary>
internal sealed class LayerTree
{
    private const string WhiteoutPrefix = Store.Layers.Whiteouts.Prefix;
    private const string WhiteoutMetaPrefix = Store.Layers.Whiteouts.MetaPrefix;
    private const string OpaqueMarker = Store.Layers.Whiteouts.OpaqueMarker;

    public FsNode Root { get; } = FsNode.Directory("", -1);

    public List<WastedFile> Wasted { get; } = [];

    /// <summary>Per layer: bytes it added that a later layer hid.</summary>
    public Dictionary<int, long> WastedByLayer { get; } = [];

    /// <summary>Applies one tar entry of layer <paramref name="layer"/>. <paramref name="size"/> is the content
    /// length of a regular file and 0 for anything else (a hardlink shares its target's bytes).</summary>
    /// <returns>True when the entry is a whiteout.</returns>
    public bool Apply(string entryName, bool isDirectory, long size, int layer)
    {
        var parts = Split(entryName);
        if (parts is null || parts.Count == 0)
        {
            return false;
        }

        var name = parts[^1];
        if (name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
        {
            var dir = Walk(parts, parts.Count - 1);
            if (name == OpaqueMarker)
            {
                if (dir is { IsDirectory: true })
                {
                    // The directory itself belongs to this layer now; only what lower layers put in it goes.
                    dir.Stamp = layer;
                    HideLower(dir, JoinPath(parts, parts.Count - 1), layer);
                }
            }
            else if (!name.StartsWith(WhiteoutMetaPrefix, StringComparison.Ordinal) && dir?.Children is { } children &&
                     children.TryGetValue(name[WhiteoutPrefix.Length..], out var victim) && victim.Stamp < layer)
            {
                var path = JoinPath(parts, parts.Count - 1);
                Remove(children, victim, Child(path, victim.Name), layer, WasteKind.Deleted);
            }

            return true;
        }

        var parent = Root;
        var parentPath = "";
        for (var i = 0; i < parts.Count - 1; i++)
        {
            parent.Stamp = Math.Max(parent.Stamp, layer);
            parent = Ensure(parent, parentPath, parts[i], layer);
            parentPath = Child(parentPath, parts[i]);
        }

        parent.Stamp = Math.Max(parent.Stamp, layer);
        var siblings = parent.Children!;
        if (siblings.TryGetValue(name, out var existing))
        {
            if (isDirectory && existing.IsDirectory)
            {
                existing.Stamp = layer;
                return false;
            }

            Remove(siblings, existing, Child(parentPath, name), layer, WasteKind.Overwritten);
        }

        siblings[name] = isDirectory ? FsNode.Directory(name, layer) : FsNode.File(name, size, layer);
        return false;
    }

    /// <summary>The entry's path components, or null for a name that climbs out of the root (skipped: the
    /// analysis follows nothing).</summary>
    internal static List<string>? Split(string entryName)
    {
        var parts = new List<string>();
        foreach (var part in entryName.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                return null;
            }

            parts.Add(part);
        }

        return parts;
    }

    private FsNode Ensure(FsNode parent, string parentPath, string name, int layer)
    {
        var children = parent.Children!;
        if (children.TryGetValue(name, out var node))
        {
            if (node.IsDirectory)
            {
                return node;
            }

            // A file where this layer puts a directory: the file is gone.
            Remove(children, node, Child(parentPath, name), layer, WasteKind.Overwritten);
        }

        node = FsNode.Directory(name, layer);
        children[name] = node;
        return node;
    }

    private FsNode? Walk(List<string> parts, int count)
    {
        var node = Root;
        for (var i = 0; i < count; i++)
        {
            if (node.Children is null || !node.Children.TryGetValue(parts[i], out var next))
            {
                return null;
            }

            node = next;
        }

        return node;
    }

    /// <summary>Removes everything under <paramref name="dir"/> a lower layer put there and this layer did not
    /// write again.</summary>
    private void HideLower(FsNode dir, string path, int layer)
    {
        foreach (var child in dir.Children!.Values.ToList())
        {
            var childPath = Child(path, child.Name);
            if (child.Stamp >= layer)
            {
                if (child.IsDirectory)
                {
                    HideLower(child, childPath, layer);
                }

                continue;
            }

            Remove(dir.Children, child, childPath, layer, WasteKind.Deleted);
        }
    }

    private void Remove(Dictionary<string, FsNode> siblings, FsNode node, string path, int layer, WasteKind kind)
    {
        siblings.Remove(node.Name);
        Account(node, path, layer, kind);
    }

    private void Account(FsNode node, string path, int layer, WasteKind kind)
    {
        if (node.IsDirectory)
        {
            foreach (var child in node.Children!.Values)
            {
                Account(child, Child(path, child.Name), layer, kind);
            }

            return;
        }

        if (node.Size > 0)
        {
            Wasted.Add(new WastedFile("/" + path, node.Size, node.Layer, layer, kind));
            WastedByLayer[node.Layer] = WastedByLayer.GetValueOrDefault(node.Layer) + node.Size;
        }
    }

    private static string JoinPath(List<string> parts, int count) => string.Join('/', parts.Take(count));

    internal static string Child(string parent, string name) => parent.Length == 0 ? name : parent + "/" + name;
}

/// <summary>A path of the union filesystem. <see cref="Layer"/> is the layer that created it; <see cref="Stamp"/>
/// the last layer that wrote it or something under it (what an opaque directory keeps).</summary>
internal sealed class FsNode
{
    private FsNode(string name, int layer, Dictionary<string, FsNode>? children, long size)
    {
        Name = name;
        Layer = layer;
        Stamp = layer;
        Children = children;
        Size = size;
    }

    public string Name { get; }

    public int Layer { get; }

    public int Stamp { get; set; }

    public long Size { get; }

    public Dictionary<string, FsNode>? Children { get; }

    public bool IsDirectory => Children is not null;

    /// <summary>Set by the summary pass: the bytes under a directory and the layer that brought most of them.</summary>
    public long Total { get; set; }

    public int Dominant { get; set; }

    public static FsNode Directory(string name, int layer) => new(name, layer, new Dictionary<string, FsNode>(StringComparer.Ordinal), 0);

    public static FsNode File(string name, long size, int layer) => new(name, layer, null, size);
}
