namespace Tether.Workloads;

/// <summary>An expected failure of a workload operation, with the REST API's error code.</summary>
/// <param name="code">A stable code: <c>not_found</c>, <c>conflict</c>, <c>bad_request</c>, <c>failed</c>.</param>
/// <param name="message">One line saying what went wrong and what to do.</param>
public sealed class WorkloadException(string code, string message) : Exception(message)
{
    /// <summary>The stable error code.</summary>
    public string Code { get; } = code;

    internal static WorkloadException NotFound(string name) =>
        new("not_found", $"no workload named '{name}'; 'tether list --all' shows them");

    internal static WorkloadException BadRequest(string message) => new("bad_request", message);
}
