using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Myelin.Server.Endpoints;

namespace Myelin.Server;

/// <summary>Source-generated JSON metadata for everything the server reads and writes.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(Myelin.Server.Http.OpenAiError))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(AuditPayload))]
[JsonSerializable(typeof(LogRecordInput[]))]
[JsonSerializable(typeof(LogAppendResponse))]
[JsonSerializable(typeof(LogPage))]
[JsonSerializable(typeof(CreateKeyRequest))]
[JsonSerializable(typeof(CreatedKeyOutput))]
[JsonSerializable(typeof(KeyOutput[]))]
[JsonSerializable(typeof(CreateTenantRequest))]
[JsonSerializable(typeof(TenantOutput))]
[JsonSerializable(typeof(TenantOutput[]))]
[JsonSerializable(typeof(StatusOutput))]
[JsonSerializable(typeof(HealthOutput))]
[JsonSerializable(typeof(CheckpointInput))]
[JsonSerializable(typeof(CheckpointOutput))]
[JsonSerializable(typeof(TraceListOutput))]
[JsonSerializable(typeof(TraceDetailOutput))]
[JsonSerializable(typeof(CreateDatasetRequest))]
[JsonSerializable(typeof(DatasetOutput))]
[JsonSerializable(typeof(DatasetOutput[]))]
[JsonSerializable(typeof(DatasetDetailOutput))]
[JsonSerializable(typeof(DatasetItemsOutput))]
[JsonSerializable(typeof(DatasetVersionAddedOutput))]
[JsonSerializable(typeof(DatasetDiffOutput))]
[JsonSerializable(typeof(ExperimentRunOutput))]
[JsonSerializable(typeof(ExperimentRunOutput[]))]
[JsonSerializable(typeof(Myelin.Evals.Experiments.ExperimentComparison))]
[JsonSerializable(typeof(GateRequest))]
[JsonSerializable(typeof(Myelin.Evals.Experiments.GateResult))]
public sealed partial class ServerJsonContext : JsonSerializerContext;
