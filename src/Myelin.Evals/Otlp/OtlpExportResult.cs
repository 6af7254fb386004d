namespace Myelin.Evals.Otlp;

/// <summary>The outcome of one OTLP trace export.</summary>
/// <param name="AcceptedSpans">Spans stored (or already stored by an earlier retry).</param>
/// <param name="RejectedSpans">Spans refused; reported to the sender as <c>partial_success.rejected_spans</c>.</param>
/// <param name="ErrorMessage">Why spans were refused (the first few reasons), or null when none were.</param>
public sealed record OtlpExportResult(int AcceptedSpans, long RejectedSpans, string? ErrorMessage);
