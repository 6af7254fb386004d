using System.IO.Compression;
using Microsoft.Net.Http.Headers;
using Myelin.Core;
using Myelin.Evals.Otlp;
using Myelin.Evals.Traces;
using Myelin.Evals.Tracing;
using Myelin.Hosting;
using Myelin.Server.Auth;
using Myelin.Server.Http;

namespace Myelin.Server.Endpoints;

/// <summary>The OTLP/HTTP trace receiver: <c>POST /v1/traces</c> with protobuf or JSON <c>ExportTraceServiceRequest</c> bodies.</summary>
/// <remarks>
/// Any OpenTelemetry SDK can export here (endpoint <c>{server}/v1/traces</c>, header <c>Authorization=Bearer {writer key}</c>).
/// Spans land in the caller's tenant as <c>span</c> records, and in the trace index from memory once stored;
/// <c>gen_ai.evaluation.result</c> events as <c>evaluation</c> records. Answers follow OTLP/HTTP: 200 with an <c>ExportTraceServiceResponse</c> in the request's encoding, carrying
/// <c>partial_success</c> when some spans were refused; bodies that cannot be parsed get a 400 problem, other media types 415.
/// </remarks>
public static class OtlpApi
{
    /// <summary>The protobuf media type.</summary>
    public const string ProtobufContentType = "application/x-protobuf";

    /// <summary>The JSON media type.</summary>
    public const string JsonContentType = "application/json";

    /// <summary>Maps the receiver.</summary>
    public static IEndpointRouteBuilder MapOtlpApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/traces", ExportAsync)
            .WithTags("OTLP")
            .RequireAuthorization(ApiKeyDefaults.WriterPolicy)
            .Accepts<byte[]>(ProtobufContentType, JsonContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("OTLP/HTTP trace export (protobuf or JSON); spans are stored in the caller's tenant.");
        return routes;
    }

    private static async Task<IResult> ExportAsync(HttpContext context, TraceIndexer indexer, MyelinOptions options)
    {
        Principal principal = context.RequireMyelinPrincipal();
        bool? protobuf = MediaType(context.Request.ContentType);
        if (protobuf is null)
        {
            return Problems.Result(
                StatusCodes.Status415UnsupportedMediaType,
                "unsupported_media_type",
                $"Send the OTLP export as '{ProtobufContentType}' or '{JsonContentType}', not '{context.Request.ContentType}'.");
        }

        byte[] body = await ReadBodyAsync(context.Request, options.MaxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false);
        IReadOnlyList<SpanData> spans = protobuf.Value ? OtlpProtobufTraceReader.Read(body) : OtlpJsonTraceReader.Read(body);
        OtlpExportResult result = await OtlpTraceIngestor.IngestAsync(indexer, principal.Tenant, spans, context.RequestAborted)
            .ConfigureAwait(false);
        return protobuf.Value
            ? Results.Bytes(OtlpResponses.ToProtobuf(result), ProtobufContentType)
            : Results.Bytes(OtlpResponses.ToJson(result), JsonContentType);
    }

    private static bool? MediaType(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? parsed))
        {
            return null;
        }

        return parsed.MediaType.Value?.ToLowerInvariant() switch
        {
            ProtobufContentType => true,
            JsonContentType => false,
            _ => null,
        };
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        string? encoding = request.Headers.ContentEncoding;
        Stream source = request.Body;
        bool compressed = false;
        if (!string.IsNullOrEmpty(encoding) && !string.Equals(encoding, "identity", StringComparison.OrdinalIgnoreCase))
        {
            if (!string.Equals(encoding, "gzip", StringComparison.OrdinalIgnoreCase))
            {
                throw new MyelinValidationException("unsupported_encoding", $"Content-Encoding '{encoding}' is not supported; use gzip or none.");
            }

            source = new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true);
            compressed = true;
        }

        try
        {
            using var buffer = new MemoryStream();
            byte[] chunk = new byte[81920];
            try
            {
                int read;
                while ((read = await source.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > limit)
                    {
                        throw new BadHttpRequestException("The request body exceeds the server's size limit.", StatusCodes.Status413PayloadTooLarge);
                    }

                    buffer.Write(chunk, 0, read);
                }
            }
            catch (InvalidDataException ex)
            {
                throw new MyelinValidationException("invalid_gzip", "The gzip-encoded body could not be decompressed: " + ex.Message);
            }

            return buffer.ToArray();
        }
        finally
        {
            if (compressed)
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
