using Tether.Api;

namespace Tether.Workloads;

/// <summary>An expected failure of a workload operation, with the REST API's error code.</summary>
/// <param name="code">What kind of failure it is.</param>
/// <param name="message">One line saying what went wrong and what to do.</param>
public sealed class WorkloadException(ApiErrorCode code, string message) : Exception(message)
{
    /// <summary>The kind of failure.</summary>
    public ApiErrorCode Code { get; } = code;

    internal static WorkloadException NotFound(string name) =>
        new(ApiErrorCode.NotFound, $"no workload named '{name}'; 'tether list --all' shows them");

    internal static WorkloadException BadRequest(string message) => new(ApiErrorCode.BadRequest, message);

    internal static WorkloadException Conflict(string message) => new(ApiErrorCode.Conflict, message);
}
