namespace Tether.Workloads;

internal sealed partial class WorkloadController
{
    /// <summary>
    /// A step-up challenge from the MCP server: the workload keeps running on its token; the scopes are kept with its
    /// config so that the next sign-in asks for them as well, and the reason says what to do.
    /// </summary>
    private async Task RecordStepUpAsync(IReadOnlyList<string> scopes)
    {
        var record = Record;
        var union = record.Config.StepUpScopes.Union(scopes, StringComparer.Ordinal).ToList();
        if (union.Count != record.Config.StepUpScopes.Count)
        {
            await UpdateRecordAsync(record with { Config = record.Config with { StepUpScopes = union } }, CancellationToken.None);
        }

        var asked = string.Join(' ', scopes);
        Log.StepUp(_logger, Name, asked);
        _tracker.TrySetReason(WorkloadStatus.Running, $"the MCP server asks for more access ({asked}): run 'tether reauth {Name}'");
    }
}
