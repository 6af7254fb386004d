using System.Globalization;
using System.Net;
using Myelin.Core;

namespace Myelin.Evals.Monitoring;

/// <summary>An alert rule of one tenant: a condition over a sliding window of monitor results, and where to send its events.</summary>
public sealed record AlertRule
{
    /// <summary>The longest window.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(7);

    /// <summary>Unique within the tenant: 1-64 of a-z, 0-9, '-', '_', '.'.</summary>
    public required string Name { get; init; }

    /// <summary>What the rule watches.</summary>
    public AlertRuleKind Kind { get; init; }

    /// <summary>The finding kind (<see cref="AlertRuleKind.FindingRate"/>) or metric name (<see cref="AlertRuleKind.ScoreBelow"/>).</summary>
    public required string Target { get; init; }

    /// <summary>Rate (0-1) at or above which a finding-rate rule fires; mean score (0-1) below which a score rule fires.</summary>
    public double Threshold { get; init; }

    /// <summary>The sliding window, 1 minute to 7 days.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Evaluated traces the window must hold before the rule may change state (sparse data holds the state).</summary>
    public int MinCount { get; init; } = 1;

    /// <summary>Absolute http(s) URL that receives each event as a signed JSON POST; null for dashboard only.</summary>
    public Uri? WebhookUrl { get; init; }

    /// <summary>Key of the <c>X-Myelin-Signature</c> HMAC-SHA256 over the webhook body.</summary>
    public string? Secret { get; init; }

    /// <summary>Throws <see cref="MyelinValidationException"/> when the rule is malformed.</summary>
    /// <param name="allowPrivateWebhookTargets">
    /// Whether the operator allows webhooks to private addresses. A <see cref="WebhookUrl"/> whose host is a literal IP
    /// address that <see cref="WebhookAddressScreen"/> blocks is rejected; a host name is judged at each connection.
    /// </param>
    public void Validate(bool allowPrivateWebhookTargets = false)
    {
        if (!MonitorConfig.IsName(Name))
        {
            throw new MyelinValidationException("invalid_alert_rule", "'name' must be 1-64 characters of a-z, 0-9, '-', '_' or '.'.");
        }

        if (!Enum.IsDefined(Kind))
        {
            throw new MyelinValidationException("invalid_alert_rule", "'kind' must be 'finding_rate' or 'score_below'.");
        }

        if (string.IsNullOrWhiteSpace(Target) || Target.Length > 256)
        {
            throw new MyelinValidationException("invalid_alert_rule", "'target' (a finding kind or metric name) is required, at most 256 characters.");
        }

        if (!(Threshold >= 0 && Threshold <= 1))
        {
            throw new MyelinValidationException(
                "invalid_alert_rule", string.Create(CultureInfo.InvariantCulture, $"'threshold' must be from 0 to 1, got {Threshold}."));
        }

        if (Window < TimeSpan.FromMinutes(1) || Window > MaxWindow)
        {
            throw new MyelinValidationException("invalid_alert_rule", "'windowMinutes' must be from 1 to 10080 (7 days).");
        }

        if (MinCount is < 1 or > 1_000_000)
        {
            throw new MyelinValidationException("invalid_alert_rule", "'minCount' must be from 1 to 1000000.");
        }

        if (WebhookUrl is { } url)
        {
            ValidateWebhookUrl(url, allowPrivateWebhookTargets);
        }

        if (WebhookUrl is not null && Secret is not { Length: >= 16 and <= 256 })
        {
            throw new MyelinValidationException("invalid_alert_rule", "A rule with a webhook needs a 'secret' of 16 to 256 characters.");
        }
    }

    private static void ValidateWebhookUrl(Uri url, bool allowPrivateTargets)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(url.Host))
        {
            throw new MyelinValidationException("invalid_alert_rule", "'webhookUrl' must be an absolute http or https URL with a host.");
        }

        if (url.UserInfo.Length > 0)
        {
            throw new MyelinValidationException(
                "invalid_alert_rule",
                "'webhookUrl' must not carry credentials (user:password@); receivers check the 'X-Myelin-Signature' instead.");
        }

        if (url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            && IPAddress.TryParse(url.DnsSafeHost, out IPAddress? address)
            && WebhookAddressScreen.BlockedRange(address, allowPrivateTargets) is { } range)
        {
            throw new MyelinValidationException(
                "invalid_alert_rule",
                $"'webhookUrl' is refused: {WebhookAddressScreen.Reason(address, range)}. Webhooks may reach public addresses only"
                + (allowPrivateTargets ? "." : " unless the operator allows private targets (myelin serve --allow-private-webhooks)."));
        }
    }

    /// <summary>Whether the observed window satisfies the condition; null when it holds fewer than <see cref="MinCount"/> traces.</summary>
    public bool? Condition(long traces, double? rate, double? meanScore)
    {
        if (traces < MinCount)
        {
            return null;
        }

        return Kind == AlertRuleKind.FindingRate ? rate >= Threshold : meanScore < Threshold;
    }
}
