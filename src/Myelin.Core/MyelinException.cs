namespace Myelin.Core;

/// <summary>Base class for errors Myelin reports to its users: each carries a stable machine-readable code.</summary>
public class MyelinException : Exception
{
    /// <summary>Creates an error with a stable code and a message that says what was wrong and what to do.</summary>
    public MyelinException(string code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>A stable, machine-readable error code such as <c>invalid_kind</c>.</summary>
    public string Code { get; }
}

/// <summary>The caller's input was invalid. Nothing was stored.</summary>
public sealed class MyelinValidationException(string code, string message) : MyelinException(code, message);

/// <summary>The addressed item does not exist (in the caller's tenant).</summary>
public sealed class MyelinNotFoundException(string code, string message) : MyelinException(code, message);

/// <summary>The request conflicts with stored state (for example a tenant that already exists).</summary>
public sealed class MyelinConflictException(string code, string message) : MyelinException(code, message);

/// <summary>Stored data failed an integrity check (for example a blob whose bytes no longer match its hash).</summary>
public sealed class MyelinIntegrityException(string code, string message) : MyelinException(code, message);

/// <summary>The caller is authenticated but may not do this.</summary>
public sealed class MyelinForbiddenException(string code, string message) : MyelinException(code, message);
