using Myelin.Core;
using Myelin.Memory.Extraction;

namespace Myelin.Memory.Internal;

/// <summary>Turns of one user and agent waiting for extraction; memories found go to <see cref="Scope"/> (no session:
/// what is learned outlives the conversation).</summary>
internal sealed record ExtractionJob(TenantId Tenant, MemoryScope Scope, List<ExtractionTurn> Turns);
