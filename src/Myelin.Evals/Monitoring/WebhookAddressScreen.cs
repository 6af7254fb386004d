using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Myelin.Evals.Monitoring;

/// <summary>
/// Decides which IP addresses an alert webhook may reach, so that a tenant cannot point the server at its own
/// network (server-side request forgery): only public unicast addresses pass by default.
/// </summary>
/// <remarks>
/// <para>Blocked: unspecified (<c>0.0.0.0/8</c>, <c>::</c>), loopback (<c>127.0.0.0/8</c>, <c>::1</c>), private
/// (<c>10/8</c>, <c>172.16/12</c>, <c>192.168/16</c>), carrier-grade NAT (<c>100.64/10</c>), link-local
/// (<c>169.254/16</c>, <c>fe80::/10</c>) with the cloud metadata addresses in it, unique-local (<c>fc00::/7</c>),
/// site-local (<c>fec0::/10</c>), multicast, broadcast, documentation, benchmarking and the IETF-reserved ranges, and
/// every IPv6 address outside global unicast <c>2000::/3</c>. An IPv4 address inside IPv6 (IPv4-mapped
/// <c>::ffff:0:0/96</c>, NAT64 <c>64:ff9b::/96</c>, 6to4 <c>2002::/16</c>) is judged by its IPv4 address.</para>
/// <para>With private targets allowed (an operator's choice), loopback, private, unique-local, carrier-grade NAT,
/// link-local, documentation, benchmarking and reserved ranges pass; cloud metadata endpoints, unspecified, multicast
/// and broadcast addresses never do: none is a webhook receiver, and metadata endpoints hand out credentials.</para>
/// <para>Pure and thread-safe.</para>
/// </remarks>
public static class WebhookAddressScreen
{
    // (network, prefix length, range name, passes when private targets are allowed). More specific entries come first.
    private static readonly (uint Network, int Prefix, string Range, bool Private)[] s_ipv4 =
    [
        (0xA9FE_A9FE, 32, "cloud metadata", false), // 169.254.169.254: AWS, GCP, Azure, OCI instance metadata
        (0x6464_64C8, 32, "cloud metadata", false), // 100.100.100.200: Alibaba Cloud instance metadata
        (0xFFFF_FFFF, 32, "broadcast", false),
        (0x0000_0000, 8, "unspecified", false),
        (0xE000_0000, 4, "multicast", false),
        (0x0A00_0000, 8, "private", true),
        (0xAC10_0000, 12, "private", true),
        (0xC0A8_0000, 16, "private", true),
        (0x7F00_0000, 8, "loopback", true),
        (0x6440_0000, 10, "carrier-grade NAT", true),
        (0xA9FE_0000, 16, "link-local", true),
        (0xC000_0000, 24, "reserved", true), // IETF protocol assignments
        (0xC000_0200, 24, "documentation", true),
        (0xC058_6300, 24, "reserved", true), // former 6to4 relay anycast
        (0xC612_0000, 15, "benchmarking", true),
        (0xC633_6400, 24, "documentation", true),
        (0xCB00_7100, 24, "documentation", true),
        (0xF000_0000, 4, "reserved", true),
    ];

    /// <summary>
    /// The name of the blocked range <paramref name="address"/> lies in (e.g. <c>private</c>, <c>loopback</c>,
    /// <c>cloud metadata</c>), or null when a webhook may connect to it.
    /// </summary>
    /// <param name="address">The address to judge.</param>
    /// <param name="allowPrivateTargets">Whether the operator allows private targets (see the remarks of the type).</param>
    public static string? BlockedRange(IPAddress address, bool allowPrivateTargets = false)
    {
        ArgumentNullException.ThrowIfNull(address);
        (string Range, bool Private)? range = Classify(address);
        return range is { } r && !(allowPrivateTargets && r.Private) ? r.Range : null;
    }

    /// <summary>The reason a connection to <paramref name="address"/> is refused, e.g. <c>target address 10.0.0.5 is private</c>.</summary>
    public static string Reason(IPAddress address, string range)
    {
        ArgumentNullException.ThrowIfNull(address);
        return $"target address {address} is {range}";
    }

    /// <summary>
    /// The addresses of <paramref name="addresses"/> a webhook may connect to, in their order; <paramref name="refusal"/>
    /// says why each other one was dropped (null when none was).
    /// </summary>
    public static IReadOnlyList<IPAddress> Allowed(IReadOnlyList<IPAddress> addresses, bool allowPrivateTargets, out string? refusal)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var allowed = new List<IPAddress>(addresses.Count);
        List<string>? reasons = null;
        foreach (IPAddress address in addresses)
        {
            if (BlockedRange(address, allowPrivateTargets) is { } range)
            {
                (reasons ??= []).Add(Reason(address, range));
            }
            else
            {
                allowed.Add(address);
            }
        }

        refusal = reasons is null ? null : string.Join("; ", reasons);
        return allowed;
    }

    private static (string Range, bool Private)? Classify(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            address.TryWriteBytes(v4, out _);
            return ClassifyIPv4(BinaryPrimitives.ReadUInt32BigEndian(v4));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return ("not an IP address", false);
        }

        Span<byte> v6 = stackalloc byte[16];
        address.TryWriteBytes(v6, out _);
        ulong high = BinaryPrimitives.ReadUInt64BigEndian(v6);
        ulong low = BinaryPrimitives.ReadUInt64BigEndian(v6[8..]);
        return ClassifyIPv6(high, low, v6);
    }

    private static (string Range, bool Private)? ClassifyIPv4(uint value)
    {
        foreach ((uint network, int prefix, string range, bool isPrivate) in s_ipv4)
        {
            uint mask = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
            if ((value & mask) == network)
            {
                return (range, isPrivate);
            }
        }

        return null;
    }

    private static (string Range, bool Private)? ClassifyIPv6(ulong high, ulong low, ReadOnlySpan<byte> bytes)
    {
        if (high == 0 && low >> 32 == 0xFFFF)
        {
            return Embedded(ClassifyIPv4((uint)low), "IPv4-mapped");
        }

        if (high == 0x0064_FF9B_0000_0000 && low >> 32 == 0)
        {
            return Embedded(ClassifyIPv4((uint)low), "NAT64");
        }

        if (high >> 48 == 0x2002)
        {
            return Embedded(ClassifyIPv4(BinaryPrimitives.ReadUInt32BigEndian(bytes[2..])), "6to4");
        }

        if (high == 0 && low == 0)
        {
            return ("unspecified", false);
        }

        if (high == 0 && low == 1)
        {
            return ("loopback", true);
        }

        if (high == 0xFD00_0EC2_0000_0000 && low == 0x254)
        {
            return ("cloud metadata", false); // fd00:ec2::254: AWS instance metadata over IPv6
        }

        return (high >> 56) switch
        {
            0xFF => ("multicast", false),
            0xFC or 0xFD => ("unique-local", true),
            0xFE when (high >> 54) == (0xFE80 >> 6) => ("link-local", true),
            0xFE when (high >> 54) == (0xFEC0 >> 6) => ("site-local", true),
            _ when (high >> 61) != 0b001 => ("reserved", true), // outside global unicast 2000::/3
            _ when (high >> 32) == 0x2001_0DB8 || (high >> 44) == 0x3FFF0 => ("documentation", true),
            _ when (high >> 41) == (0x2001_0000UL >> 9) => ("reserved", true), // 2001::/23 IETF protocol assignments, Teredo
            _ => null,
        };
    }

    private static (string Range, bool Private)? Embedded((string Range, bool Private)? ipv4, string form) =>
        ipv4 is { } r ? ($"{r.Range} ({form})", r.Private) : null;
}
