using System.Text.Json.Serialization;

namespace Myelin.Evals.Internal;

/// <summary>Source-generated JSON metadata for the small shapes the room serialises directly.</summary>
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class EvalsJsonContext : JsonSerializerContext;
