using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Myelin.Core;
using Myelin.Core.Storage;
using Myelin.Server.Endpoints;
using Role = Myelin.Core.Role;

namespace Myelin.Server.Mcp;

/// <summary>
/// Runs the memory tools (<c>remember</c>, <c>recall</c>, <c>forget</c>) for one caller over the same operations as
/// <c>/api/memory</c>. Shared by the streamable HTTP endpoint (<c>/mcp</c>) and <c>myelin mcp</c> (stdio).
/// </summary>
/// <remarks>
/// The tenant and role always come from the caller's <see cref="Principal"/>, never from arguments. Bad arguments and
/// missing rights are tool errors (<c>isError: true</c> with a <c>code: message</c> text) so a model can read and correct
/// them; an unknown tool name is a JSON-RPC invalid-params error. Thread-safe: one instance serves every session.
/// </remarks>
internal sealed class MemoryMcpTools(MemoryRoom room, IMyelinStorage storage, TimeProvider time)
{
    public async ValueTask<CallToolResult> CallAsync(Principal principal, CallToolRequestParams request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            switch (request.Name)
            {
                case MemoryMcpToolDefinitions.Remember:
                {
                    Require(principal, Role.Writer, "remembering");
                    McpRememberInput input = Read(request, McpToolJsonContext.Default.McpRememberInput);
                    IReadOnlyList<MemoryTurnInput>? turns = input.Turns?.Select(t => new MemoryTurnInput(
                        input.UserId, t.Role, t.Text, t.Speaker, input.AgentId, input.SessionId, t.Timestamp, t.IdempotencyKey)).ToArray();
                    RememberTurnsResponse output = await MemoryOperations.RememberAsync(room, principal, turns, cancellationToken).ConfigureAwait(false);
                    return Success(output, McpToolJsonContext.Default.RememberTurnsResponse);
                }

                case MemoryMcpToolDefinitions.Recall:
                {
                    RecallInput input = Read(request, McpToolJsonContext.Default.RecallInput);
                    RecallOutput output = await MemoryOperations.RecallAsync(room, principal, input, cancellationToken).ConfigureAwait(false);
                    return Success(output, McpToolJsonContext.Default.RecallOutput);
                }

                case MemoryMcpToolDefinitions.Forget:
                {
                    Require(principal, Role.Admin, "forgetting a user");
                    McpForgetInput input = Read(request, McpToolJsonContext.Default.McpForgetInput);
                    ForgetUserOutput output = await MemoryOperations.ForgetUserAsync(room, storage, time, principal, input.UserId, cancellationToken)
                        .ConfigureAwait(false);
                    return Success(output, McpToolJsonContext.Default.ForgetUserOutput);
                }

                default:
                    throw new McpProtocolException(
                        $"Unknown tool '{request.Name}': use {MemoryMcpToolDefinitions.Remember}, {MemoryMcpToolDefinitions.Recall} or "
                        + $"{MemoryMcpToolDefinitions.Forget}.",
                        McpErrorCode.InvalidParams);
            }
        }
        catch (MyelinException ex)
        {
            return Failure(ex.Code, ex.Message);
        }
    }

    private static void Require(Principal principal, Role role, string what)
    {
        if (!principal.Has(role))
        {
            throw new MyelinForbiddenException("forbidden", $"This key's role ({principal.Role}) does not allow {what}; it needs {role}.");
        }
    }

    private static T Read<T>(CallToolRequestParams request, JsonTypeInfo<T> typeInfo)
    {
        // The SDK hands arguments over as a dictionary of elements; writing them back out as one object lets the
        // source-generated contract validate names and types in one pass.
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (KeyValuePair<string, JsonElement> argument in request.Arguments ?? new Dictionary<string, JsonElement>())
            {
                writer.WritePropertyName(argument.Key);
                argument.Value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        try
        {
            return JsonSerializer.Deserialize(buffer.WrittenSpan, typeInfo)
                ?? throw new MyelinValidationException("invalid_arguments", "The arguments must be an object.");
        }
        catch (JsonException ex)
        {
            throw new MyelinValidationException("invalid_arguments", $"The arguments of '{request.Name}' are invalid: {ex.Message}");
        }
    }

    private static CallToolResult Success<T>(T output, JsonTypeInfo<T> typeInfo)
    {
        JsonElement structured = JsonSerializer.SerializeToElement(output, typeInfo);
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = structured.GetRawText() }],
            StructuredContent = structured,
        };
    }

    private static CallToolResult Failure(string code, string message) => new()
    {
        Content = [new TextContentBlock { Text = code + ": " + message }],
        IsError = true,
    };
}
