namespace Myelin.Server.Auth;

/// <summary>Names used by API-key authentication and authorization.</summary>
public static class ApiKeyDefaults
{
    /// <summary>The authentication scheme.</summary>
    public const string Scheme = "ApiKey";

    /// <summary>The dashboard's cookie that carries the key for page loads (GET only).</summary>
    public const string CookieName = "myelin_key";

    /// <summary>Header the dashboard's scripts send so the cookie counts for their writes (see the authentication handler).</summary>
    public const string DashboardHeader = "X-Myelin-Dashboard";

    /// <summary>Claim holding the tenant id.</summary>
    public const string TenantClaim = "myelin:tenant";

    /// <summary>Claim holding the role.</summary>
    public const string RoleClaim = "myelin:role";

    /// <summary>Claim holding the key id.</summary>
    public const string KeyIdClaim = "myelin:key";

    /// <summary>Policy: any authenticated key (reader or above).</summary>
    public const string ReaderPolicy = "reader";

    /// <summary>Policy: writer or admin.</summary>
    public const string WriterPolicy = "writer";

    /// <summary>Policy: admin of the caller's tenant.</summary>
    public const string AdminPolicy = "admin";

    /// <summary>Policy: admin of the default tenant (manages tenants).</summary>
    public const string OperatorPolicy = "operator";
}
