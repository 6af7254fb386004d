using System.Text.Json;
using System.Text.Json.Serialization;

namespace Myelin.Server.Endpoints;

/// <summary>Source-generated JSON metadata of the memory endpoints.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RememberTurnsRequest))]
[JsonSerializable(typeof(RememberTurnsResponse))]
[JsonSerializable(typeof(RecallInput))]
[JsonSerializable(typeof(RecallOutput))]
[JsonSerializable(typeof(MemoryListOutput))]
[JsonSerializable(typeof(MemoryHistoryOutput))]
[JsonSerializable(typeof(QuarantineListOutput))]
[JsonSerializable(typeof(ForgetUserOutput))]
[JsonSerializable(typeof(ContextInput))]
[JsonSerializable(typeof(ContextOutput))]
[JsonSerializable(typeof(MemoryUsersOutput))]
internal sealed partial class MemoryJsonContext : JsonSerializerContext;
