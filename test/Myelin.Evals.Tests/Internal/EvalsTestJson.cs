using System.Text.Json.Serialization;

namespace Myelin.Evals.Internal;

[JsonSerializable(typeof(string))]
internal sealed partial class EvalsTestJson : JsonSerializerContext;
