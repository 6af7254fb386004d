using System.Buffers;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Myelin.Core;
using Polly;
using Polly.Retry;

namespace Myelin.Evals.Monitoring;

/// <summary>
/// Delivers alert events to their rule's webhook: an HTTP POST of a JSON body signed with HMAC-SHA256 under the rule's
/// secret (<c>X-Myelin-Signature: sha256=&lt;hex&gt;</c>), retried with exponential backoff (Polly) on transport errors,
/// timeouts, 408, 429 and 5xx. Every attempt is returned for the delivery log. A target refused by the client's
/// <see cref="WebhookConnector"/> is one attempt, logged with the reason and not retried.
/// </summary>
/// <remarks>
/// Thread-safe. Backoff waits run on the given <see cref="TimeProvider"/>. Receivers verify the signature over the raw
/// body before trusting it; the body carries the event id and time, so a receiver can drop replays.
/// </remarks>
public sealed class WebhookNotifier
{
    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "X-Myelin-Signature";

    /// <summary>The event type header: <c>alert.firing</c> or <c>alert.resolved</c>.</summary>
    public const string EventHeader = "X-Myelin-Event";

    /// <summary>Retries after the first attempt.</summary>
    public const int MaxRetries = 3;

    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly TimeSpan _firstRetryDelay;

    /// <summary>Creates the notifier.</summary>
    /// <param name="http">
    /// The client (not owned); its timeout bounds each attempt. Build it over <see cref="WebhookConnector.CreateHandler"/>
    /// so that tenants cannot reach the server's own network.
    /// </param>
    /// <param name="time">Clock for backoff waits and attempt times; the system clock when null.</param>
    /// <param name="firstRetryDelay">Wait before the first retry, doubled for each further one (default 1 s).</param>
    public WebhookNotifier(HttpClient http, TimeProvider? time = null, TimeSpan? firstRetryDelay = null)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _time = time ?? TimeProvider.System;
        _firstRetryDelay = firstRetryDelay ?? TimeSpan.FromSeconds(1);
    }

    /// <summary>Posts the event to the rule's webhook; returns every attempt (none when the rule has no webhook).</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> DeliverAsync(TenantId tenant, AlertRule rule, AlertEvent alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(alert);
        if (rule.WebhookUrl is not { } url || rule.Secret is not { } secret)
        {
            return [];
        }

        byte[] body = Payload(tenant, rule, alert);
        string signature = Sign(secret, body);
        string eventType = "alert." + MonitoringNames.Of(alert.State);
        var attempts = new List<WebhookDelivery>();
        ResiliencePipeline<int> pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<int>
            {
                MaxRetryAttempts = MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = _firstRetryDelay,
                UseJitter = false,
                ShouldHandle = new PredicateBuilder<int>()
                    .HandleResult(status => status is 408 or 429 or >= 500)
                    .Handle<HttpRequestException>(ex => WebhookTargetBlockedException.Find(ex) is null)
                    .Handle<TaskCanceledException>(_ => !cancellationToken.IsCancellationRequested),
            })
            .Build();
        try
        {
            await pipeline.ExecuteAsync(
                async token =>
                {
                    int attempt = attempts.Count + 1;
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                        request.Headers.Add(SignatureHeader, signature);
                        request.Headers.Add(EventHeader, eventType);
                        // Only the status counts: the body is never read, so a receiver cannot make the server buffer a large answer.
                        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token)
                            .ConfigureAwait(false);
                        int status = (int)response.StatusCode;
                        attempts.Add(new WebhookDelivery(
                            alert.Id, rule.Name, attempt, _time.GetUtcNow(), status, response.IsSuccessStatusCode ? null : "HTTP " + status));
                        return status;
                    }
                    catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !token.IsCancellationRequested))
                    {
                        string error = WebhookTargetBlockedException.Find(ex)?.Message ?? ex.Message;
                        attempts.Add(new WebhookDelivery(alert.Id, rule.Name, attempt, _time.GetUtcNow(), null, error));
                        throw;
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Recorded as the last attempt; the event stays undelivered and the delivery log says why.
        }

        return attempts;
    }

    /// <summary>The signature header value of <paramref name="body"/>: <c>sha256=</c> and the lowercase hex HMAC-SHA256 under <paramref name="secret"/>.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    /// <summary>The JSON body of an event.</summary>
    public static byte[] Payload(TenantId tenant, AlertRule rule, AlertEvent alert)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(alert);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "alert." + MonitoringNames.Of(alert.State));
            writer.WriteNumber("eventId", alert.Id);
            writer.WriteString("tenant", tenant.Value);
            writer.WriteString("rule", rule.Name);
            writer.WriteString("kind", MonitoringNames.Of(rule.Kind));
            writer.WriteString("target", rule.Target);
            writer.WriteString("state", MonitoringNames.Of(alert.State));
            writer.WriteString("at", alert.At);
            writer.WriteNumber("windowMinutes", rule.Window.TotalMinutes);
            writer.WriteNumber("traces", alert.Traces);
            writer.WriteNumber("flagged", alert.Flagged);
            if (alert.Value is { } value)
            {
                writer.WriteNumber("value", Math.Round(value, 6));
            }
            else
            {
                writer.WriteNull("value");
            }

            writer.WriteNumber("threshold", alert.Threshold);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
