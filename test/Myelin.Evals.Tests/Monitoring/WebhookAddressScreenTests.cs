using System.Net;
using Myelin.Core;

namespace Myelin.Evals.Monitoring;

/// <summary>The range classifier behind webhook SSRF screening, and the literal-address check when a rule is saved.</summary>
public sealed class WebhookAddressScreenTests
{
    [Theory]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("0.1.2.3", "unspecified")]
    [InlineData("10.0.0.5", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.0.9", "loopback")]
    [InlineData("100.64.0.0", "carrier-grade NAT")]
    [InlineData("100.127.255.255", "carrier-grade NAT")]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("100.100.100.200", "cloud metadata")]
    [InlineData("169.254.1.1", "link-local")]
    [InlineData("192.0.0.192", "reserved")]
    [InlineData("192.0.2.1", "documentation")]
    [InlineData("198.18.0.1", "benchmarking")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("240.0.0.1", "reserved")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback (IPv4-mapped)")]
    [InlineData("::ffff:10.0.0.5", "private (IPv4-mapped)")]
    [InlineData("::ffff:169.254.169.254", "cloud metadata (IPv4-mapped)")]
    [InlineData("64:ff9b::a00:5", "private (NAT64)")]
    [InlineData("2002:7f00:1::", "loopback (6to4)")]
    [InlineData("::7f00:1", "reserved")]
    [InlineData("fc00::1", "unique-local")]
    [InlineData("fd00:ec2::254", "cloud metadata")]
    [InlineData("fd12:3456::1", "unique-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("febf::1", "link-local")]
    [InlineData("fec0::1", "site-local")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("100::1", "reserved")]
    [InlineData("2001:db8::1", "documentation")]
    [InlineData("3fff::1", "documentation")]
    [InlineData("2001::1", "reserved")]
    public void Internal_and_special_addresses_are_blocked_with_their_range(string address, string range)
    {
        Assert.Equal(range, WebhookAddressScreen.BlockedRange(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.0")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.167.255.255")]
    [InlineData("198.20.0.0")]
    [InlineData("223.255.255.255")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2606:4700:4700::1111")]
    public void Public_unicast_addresses_pass(string address)
    {
        Assert.Null(WebhookAddressScreen.BlockedRange(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("127.0.0.1", null)]
    [InlineData("10.0.0.5", null)]
    [InlineData("100.64.0.1", null)]
    [InlineData("fd12::1", null)]
    [InlineData("::ffff:192.168.0.1", null)]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("fd00:ec2::254", "cloud metadata")]
    [InlineData("::ffff:169.254.169.254", "cloud metadata (IPv4-mapped)")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("239.1.1.1", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    public void Allowing_private_targets_still_blocks_metadata_unspecified_and_multicast(string address, string? range)
    {
        Assert.Equal(range, WebhookAddressScreen.BlockedRange(IPAddress.Parse(address), allowPrivateTargets: true));
    }

    [Fact]
    public void Allowed_keeps_passing_addresses_in_order_and_names_each_dropped_one()
    {
        IPAddress[] resolved = [.. new[] { "10.0.0.5", "8.8.8.8", "::1", "1.1.1.1" }.Select(IPAddress.Parse)];

        IReadOnlyList<IPAddress> allowed = WebhookAddressScreen.Allowed(resolved, allowPrivateTargets: false, out string? refusal);

        Assert.Equal([IPAddress.Parse("8.8.8.8"), IPAddress.Parse("1.1.1.1")], allowed);
        Assert.Equal("target address 10.0.0.5 is private; target address ::1 is loopback", refusal);
        Assert.Equal(4, WebhookAddressScreen.Allowed(resolved, allowPrivateTargets: true, out string? none).Count);
        Assert.Null(none);
    }

    [Theory]
    [InlineData("http://10.0.0.5/hook", "target address 10.0.0.5 is private")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "target address 169.254.169.254 is cloud metadata")]
    [InlineData("https://[::ffff:127.0.0.1]:8443/", "target address ::ffff:127.0.0.1 is loopback (IPv4-mapped)")]
    [InlineData("http://[::1]/", "target address ::1 is loopback")]
    [InlineData("http://2130706433/", "target address 127.0.0.1 is loopback")]
    [InlineData("http://0x7f.1/", "target address 127.0.0.1 is loopback")]
    [InlineData("http://0.0.0.0:9000/", "target address 0.0.0.0 is unspecified")]
    [InlineData("http://user:pass@example.com/hook", "must not carry credentials")]
    public void A_rule_whose_webhook_is_a_blocked_literal_or_carries_credentials_is_invalid(string url, string reason)
    {
        var ex = Assert.Throws<MyelinValidationException>(() => Rule(new Uri(url)).Validate());

        Assert.Equal("invalid_alert_rule", ex.Code);
        Assert.StartsWith("'webhookUrl'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_names_and_public_literals_are_left_to_send_time_and_the_switch_admits_private_literals()
    {
        Rule(new Uri("https://hooks.example.com/alerts")).Validate();
        Rule(new Uri("http://localhost:8080/hook")).Validate();
        Rule(new Uri("http://8.8.8.8/hook")).Validate();
        Rule(new Uri("http://[2606:4700::1111]/hook")).Validate();
        Rule(new Uri("http://10.0.0.5/hook")).Validate(allowPrivateWebhookTargets: true);

        var metadata = Assert.Throws<MyelinValidationException>(
            () => Rule(new Uri("http://169.254.169.254/")).Validate(allowPrivateWebhookTargets: true));
        Assert.Contains("cloud metadata", metadata.Message, StringComparison.Ordinal);
    }

    private static AlertRule Rule(Uri url) => new()
    {
        Name = "r",
        Target = "drift",
        Threshold = 0.5,
        WebhookUrl = url,
        Secret = "0123456789abcdef-secret",
    };
}
