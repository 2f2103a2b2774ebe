using Tether.Store;

namespace Tether.Workloads;

/// <summary>Which scopes a workload's sign-in asks for.</summary>
internal static class WorkloadScopes
{
    /// <summary>
    /// None given and no step-up: discovery decides. After a step-up: the union of what was asked (or, when nothing
    /// was given, granted) before and what the MCP server asked for since.
    /// </summary>
    public static IReadOnlyList<string> ForSignIn(WorkloadConfig config)
    {
        if (config.StepUpScopes.Count == 0)
        {
            return config.Scopes;
        }

        var before = config.Scopes.Count > 0 ? config.Scopes : (config.GrantedScope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return before.Union(config.StepUpScopes, StringComparer.Ordinal).ToList();
    }
}
