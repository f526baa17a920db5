namespace Slipway.Architecture.Tests;

/// <summary>The strongly connected components of a directed graph with more than one node (Tarjan's algorithm):
/// each is a set of nodes that reach each other, that is, a cycle.</summary>
public static class Cycles
{
    public static IReadOnlyList<IReadOnlyList<string>> Find(IReadOnlyDictionary<string, IReadOnlySet<string>> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        var state = new Tarjan(edges);
        foreach (var node in edges.Keys.Order(StringComparer.Ordinal))
        {
            if (!state.Index.ContainsKey(node))
            {
                state.Visit(node);
            }
        }

        return state.Components;
    }

    private sealed class Tarjan(IReadOnlyDictionary<string, IReadOnlySet<string>> edges)
    {
        public Dictionary<string, int> Index { get; } = new(StringComparer.Ordinal);

        public List<IReadOnlyList<string>> Components { get; } = [];

        private readonly Dictionary<string, int> _low = new(StringComparer.Ordinal);
        private readonly Stack<string> _stack = new();
        private readonly HashSet<string> _onStack = new(StringComparer.Ordinal);

        public void Visit(string node)
        {
            Index[node] = _low[node] = Index.Count;
            _stack.Push(node);
            _onStack.Add(node);
            foreach (var next in edges.GetValueOrDefault(node) ?? new HashSet<string>())
            {
                if (!Index.TryGetValue(next, out var index))
                {
                    Visit(next);
                    _low[node] = Math.Min(_low[node], _low[next]);
                }
                else if (_onStack.Contains(next))
                {
                    _low[node] = Math.Min(_low[node], index);
                }
            }

            if (_low[node] != Index[node])
            {
                return;
            }

            var component = new List<string>();
            string member;
            do
            {
                member = _stack.Pop();
                _onStack.Remove(member);
                component.Add(member);
            }
            while (member != node);

            if (component.Count > 1)
            {
                Components.Add([.. component.Order(StringComparer.Ordinal)]);
            }
        }
    }
}
