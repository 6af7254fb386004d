using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Myelin.Core;

namespace Myelin.Server;

/// <summary>
/// Random interleavings of reads and writes by keys of every role across 20 tenants: no request ever sees or touches
/// another tenant's data, and no request succeeds beyond its key's role.
/// </summary>
public sealed class TenantIsolationPropertyTests
{
    private const int Tenants = 20;

    private enum OpKind
    {
        Append,
        Query,
        ListKeys,
        CreateKey,
        Status,
        ReadOtherTenantKeys,
        AppendClaimingOtherTenant,
    }

    private sealed record Op(int Tenant, Role Role, OpKind Kind, int Other);

    [Fact]
    public async Task No_cross_tenant_access_and_no_unauthorised_success()
    {
        await using ServerHarness server = await ServerHarness.StartAsync();
        var keys = new Dictionary<(int, Role), HttpClient>();
        for (int t = 0; t < Tenants; t++)
        {
            (string reader, string writer, string admin) = await server.CreateTenantAsync(Name(t));
            keys[(t, Role.Reader)] = server.Client(reader);
            keys[(t, Role.Writer)] = server.Client(writer);
            keys[(t, Role.Admin)] = server.Client(admin);
        }

        Gen<Op> op =
            from tenant in Gen.Choose(0, Tenants - 1)
            from role in Gen.Elements(Role.Reader, Role.Writer, Role.Admin)
            from kind in Gen.Elements(Enum.GetValues<OpKind>())
            from other in Gen.Choose(0, Tenants - 1)
            select new Op(tenant, role, kind, other);
        Op[] ops = Gen.Sample(op, 50, new Rnd(20261122UL, 0x9E3779B97F4A7C15UL), 400);

        var appended = new int[Tenants];
        int sequence = 0;
        foreach (Op[] wave in ops.Chunk(8))
        {
            // Each wave runs concurrently, so requests of different tenants and roles interleave on the server.
            bool[] outcomes = await Task.WhenAll(wave.Select(o => RunAsync(o, keys[(o.Tenant, o.Role)], Interlocked.Increment(ref sequence))));
            for (int i = 0; i < wave.Length; i++)
            {
                if (wave[i].Kind == OpKind.Append && outcomes[i])
                {
                    appended[wave[i].Tenant]++;
                }
            }
        }

        for (int t = 0; t < Tenants; t++)
        {
            using JsonDocument page = JsonDocument.Parse(await keys[(t, Role.Reader)].GetStringAsync("/api/log?kind=turn&limit=10000"));
            JsonElement[] records = [.. page.RootElement.GetProperty("records").EnumerateArray()];
            Assert.Equal(appended[t], records.Length);
            Assert.All(records, r => Assert.Equal(Name(t), r.GetProperty("payload").GetProperty("tenant").GetString()));
        }
    }

    /// <summary>Runs one operation and checks its outcome against the role model; returns whether it succeeded.</summary>
    private static async Task<bool> RunAsync(Op op, HttpClient client, int sequence)
    {
        string tenant = Name(op.Tenant);
        switch (op.Kind)
        {
            case OpKind.Append:
            {
                using var body = new StringContent(
                    $$$"""[{"kind":"turn","payload":{"tenant":"{{{tenant}}}","n":{{{sequence}}}}}]""", Encoding.UTF8, "application/json");
                return Expect(await client.PostAsync("/api/log", body), op.Role >= Role.Writer, op);
            }

            case OpKind.AppendClaimingOtherTenant:
            {
                // A tenant named in the body is never honoured: the record is rejected, whatever the role.
                using var body = new StringContent(
                    $$$"""[{"kind":"turn","tenant":"{{{Name(op.Other)}}}","payload":{"tenant":"{{{Name(op.Other)}}}"}}]""", Encoding.UTF8, "application/json");
                HttpResponseMessage response = await client.PostAsync("/api/log", body);
                Assert.False(response.IsSuccessStatusCode, $"{op}: a body naming a tenant was accepted");
                return false;
            }

            case OpKind.Query:
            {
                HttpResponseMessage response = await client.GetAsync("/api/log?kind=turn&limit=10000");
                Assert.True(response.IsSuccessStatusCode, $"{op}: {(int)response.StatusCode}");
                using JsonDocument page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.All(page.RootElement.GetProperty("records").EnumerateArray(), r =>
                    Assert.Equal(tenant, r.GetProperty("payload").GetProperty("tenant").GetString()));
                return true;
            }

            case OpKind.ListKeys:
            {
                HttpResponseMessage response = await client.GetAsync("/api/keys");
                if (Expect(response, op.Role == Role.Admin, op))
                {
                    using JsonDocument list = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    Assert.All(list.RootElement.EnumerateArray(), k => Assert.Equal(tenant, k.GetProperty("tenant").GetString()));
                    return true;
                }

                return false;
            }

            case OpKind.CreateKey:
                return Expect(await client.PostAsJsonAsync("/api/keys", new { name = "k" + sequence, role = "reader" }), op.Role == Role.Admin, op);

            case OpKind.Status:
            {
                HttpResponseMessage response = await client.GetAsync("/api/status");
                Assert.True(response.IsSuccessStatusCode, $"{op}: {(int)response.StatusCode}");
                using JsonDocument status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal(tenant, status.RootElement.GetProperty("tenant").GetString());
                return true;
            }

            default:
            {
                // Tenant admins are not operators: another tenant's keys stay out of reach.
                HttpResponseMessage response = await client.GetAsync($"/api/keys?tenant={Name(op.Other)}");
                bool allowed = op.Role == Role.Admin && op.Other == op.Tenant;
                return Expect(response, allowed, op);
            }
        }
    }

    private static bool Expect(HttpResponseMessage response, bool allowed, Op op)
    {
        if (allowed)
        {
            Assert.True(response.IsSuccessStatusCode, $"{op}: expected success, got {(int)response.StatusCode}");
            return true;
        }

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        return false;
    }

    private static string Name(int tenant) => $"t{tenant:D2}";
}
