using System.Text.Json.Serialization;

namespace Myelin.Server.Experiments;

/// <summary>Where an <see cref="ExperimentJob"/> stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExperimentJobState>))]
public enum ExperimentJobState
{
    /// <summary>Accepted, not started.</summary>
    [JsonStringEnumMemberName("queued")]
    Queued,

    /// <summary>Items are being run and scored.</summary>
    [JsonStringEnumMemberName("running")]
    Running,

    /// <summary>Finished; the run is stored.</summary>
    [JsonStringEnumMemberName("succeeded")]
    Succeeded,

    /// <summary>Stopped by an error (the server shutting down, the store failing); nothing was stored.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}
