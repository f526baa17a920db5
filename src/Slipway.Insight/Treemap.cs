namespace Slipway.Insight;

/// <summary>The final filesystem cut down to at most a given number of nodes for the HTML treemap: the largest
/// directories are opened first; a directory that would not fit stays one rectangle ("folded"), coloured by
/// the layer that brought most of its bytes. Empty files and directories take no area and are left out.</summary>
internal static class Treemap
{
    public static TreeNode Build(FsNode root, int maxNodes)
    {
        var opened = new HashSet<FsNode>(ReferenceEqualityComparer.Instance);
        var queue = new PriorityQueue<FsNode, long>();
        queue.Enqueue(root, -root.Total);
        var count = 1;
        while (queue.TryDequeue(out var dir, out _))
        {
            var shown = dir.Children!.Values.Where(c => c.Total > 0).ToList();
            if (count + shown.Count > maxNodes)
            {
                continue;
            }

            opened.Add(dir);
            count += shown.Count;
            foreach (var child in shown.Where(c => c.IsDirectory))
            {
                queue.Enqueue(child, -child.Total);
            }
        }

        return Convert(root, opened);
    }

    private static TreeNode Convert(FsNode node, HashSet<FsNode> opened)
    {
        if (!node.IsDirectory)
        {
            return new TreeNode { Name = node.Name, Size = node.Size, Layer = node.Layer };
        }

        if (!opened.Contains(node))
        {
            return new TreeNode { Name = node.Name, Size = node.Total, Layer = node.Dominant, Folded = true };
        }

        return new TreeNode
        {
            Name = node.Name.Length == 0 ? "/" : node.Name,
            Size = node.Total,
            Layer = node.Dominant,
            Children = [.. node.Children!.Values.Where(c => c.Total > 0).OrderByDescending(c => c.Total).Select(c => Convert(c, opened))],
        };
    }
}
