namespace Myelin.Evals.Monitoring;

/// <summary>What one monitoring cycle of a tenant did.</summary>
/// <param name="Pass">The monitor pass.</param>
/// <param name="Events">Alert events emitted.</param>
/// <param name="Deliveries">Webhook attempts made.</param>
/// <param name="Undelivered">Events whose webhook never answered 2xx.</param>
public sealed record MonitoringCycle(MonitorPass Pass, IReadOnlyList<AlertEvent> Events, int Deliveries, int Undelivered);
