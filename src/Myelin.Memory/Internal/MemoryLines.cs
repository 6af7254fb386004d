using System.Globalization;
using Myelin.Memory.Retrieval;

namespace Myelin.Memory.Internal;

/// <summary>How recalled memories read in a model's context; shared by the middleware and the context builder so the
/// model sees one format.</summary>
internal static class MemoryLines
{
    public const string Header = "What you remember about this user (most relevant first; older facts are marked):\n";

    public static string Line(RecallHit hit) =>
        "- " + hit.Item.Text + (hit.Superseded ? " (no longer current)" : string.Empty) + " ["
        + hit.Item.ValidFrom.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "]\n";
}
