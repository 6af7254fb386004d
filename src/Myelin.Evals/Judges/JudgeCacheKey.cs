namespace Myelin.Evals.Judges;

/// <summary>What a cached judge response is keyed by: rubric id and version, judge model, and the SHA-256 of the rendered request.</summary>
/// <param name="TemplateId">Rubric id.</param>
/// <param name="TemplateVersion">Rubric version.</param>
/// <param name="ModelId">Judge model id.</param>
/// <param name="RequestHash">Lowercase hex SHA-256 of the rendered messages.</param>
public sealed record JudgeCacheKey(string TemplateId, int TemplateVersion, string ModelId, string RequestHash);
