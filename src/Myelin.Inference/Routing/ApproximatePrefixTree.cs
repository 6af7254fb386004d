namespace Myelin.Inference.Routing;

/// <summary>
/// A character-level radix tree of the prompts recently sent to one replica: the router's guess of what that replica
/// has cached, as SGLang's router keeps one. Bounded: least recently used leaves are pruned past a character budget.
/// </summary>
/// <remarks>Not thread-safe; <see cref="CacheAwareRouter"/> guards it.</remarks>
internal sealed class ApproximatePrefixTree(int maxCharacters)
{
    private readonly Node _root = new(string.Empty, null);
    private long _clock;
    private int _characters;

    /// <summary>Characters currently held.</summary>
    public int Characters => _characters;

    /// <summary>Length of the longest prefix of <paramref name="text"/> in the tree.</summary>
    public int Match(ReadOnlySpan<char> text)
    {
        Node node = _root;
        int matched = 0;
        while (matched < text.Length && node.Children.TryGetValue(text[matched], out Node? child))
        {
            int common = text[matched..].CommonPrefixLength(child.Edge);
            matched += common;
            child.LastUse = ++_clock;
            if (common < child.Edge.Length)
            {
                break;
            }

            node = child;
        }

        return matched;
    }

    /// <summary>Records that <paramref name="text"/> was sent to this replica.</summary>
    public void Insert(string text)
    {
        Node node = _root;
        int at = 0;
        while (at < text.Length)
        {
            if (!node.Children.TryGetValue(text[at], out Node? child))
            {
                var leaf = new Node(text[at..], node) { LastUse = ++_clock };
                node.Children[text[at]] = leaf;
                _characters += leaf.Edge.Length;
                break;
            }

            int common = text.AsSpan(at).CommonPrefixLength(child.Edge);
            if (common < child.Edge.Length)
            {
                // Split the edge: the shared part becomes a new inner node.
                var inner = new Node(child.Edge[..common], node) { LastUse = ++_clock };
                child.Edge = child.Edge[common..];
                child.Parent = inner;
                inner.Children[child.Edge[0]] = child;
                node.Children[inner.Edge[0]] = inner;
                child = inner;
            }

            child.LastUse = ++_clock;
            at += common;
            node = child;
        }

        Prune();
    }

    private void Prune()
    {
        while (_characters > maxCharacters)
        {
            Node? oldest = null;
            foreach (Node leaf in Leaves(_root))
            {
                if (oldest is null || leaf.LastUse < oldest.LastUse)
                {
                    oldest = leaf;
                }
            }

            if (oldest?.Parent is null)
            {
                return;
            }

            oldest.Parent.Children.Remove(oldest.Edge[0]);
            _characters -= oldest.Edge.Length;
        }
    }

    private static IEnumerable<Node> Leaves(Node node)
    {
        var stack = new Stack<Node>();
        stack.Push(node);
        while (stack.Count > 0)
        {
            Node n = stack.Pop();
            if (n.Children.Count == 0 && n.Parent is not null)
            {
                yield return n;
            }

            foreach (Node child in n.Children.Values)
            {
                stack.Push(child);
            }
        }
    }

    private sealed class Node(string edge, Node? parent)
    {
        public string Edge { get; set; } = edge;

        public Node? Parent { get; set; } = parent;

        public Dictionary<char, Node> Children { get; } = [];

        public long LastUse { get; set; }
    }
}
