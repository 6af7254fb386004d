using System.Text.Json.Serialization;

namespace Myelin.Core.Log;

/// <summary>Source-generated JSON for <see cref="LogRedaction"/> (a reason is serialised as a JSON string).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class LogRedactionJson : JsonSerializerContext;
