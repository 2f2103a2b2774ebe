using Tether.Workloads;

namespace Tether.Api;

/// <summary>The REST API's operations on the workload registry, in the API's own shapes.</summary>
internal sealed class WorkloadApi(WorkloadManager registry)
{
    /// <summary>How many transitions <c>tether status NAME</c> shows.</summary>
    public const int HistoryShown = 100;

    public WorkloadManager Registry => registry;

    public int Count => registry.Count;

    public async Task<WorkloadView> RunAsync(RunWorkloadRequest request, CancellationToken cancellationToken) =>
        View(await registry.RunAsync(request, cancellationToken));

    public IReadOnlyList<WorkloadView> List(bool all) => registry.List(all).Select(View).ToList();

    public async Task<WorkloadDetailView> GetAsync(string name, CancellationToken cancellationToken)
    {
        var controller = registry.Find(name);
        var history = await registry.Services.Store.GetTransitionsAsync(name, HistoryShown, cancellationToken);
        return new WorkloadDetailView(View(controller), history.Select(WorkloadViews.From).ToList());
    }

    public WorkloadHealthView Health(string name) => WorkloadViews.Health(registry.Find(name).Snapshot());

    public async Task<WorkloadView> StopAsync(string name, CancellationToken cancellationToken)
    {
        var controller = registry.Find(name);
        await controller.StopAsync(cancellationToken);
        return View(controller);
    }

    public async Task<WorkloadView> StartAsync(string name, CancellationToken cancellationToken)
    {
        var controller = registry.Find(name);
        await controller.StartAsync(cancellationToken);
        return View(controller);
    }

    public async Task<WorkloadView> ReauthAsync(string name, bool reregister, CancellationToken cancellationToken)
    {
        var controller = registry.Find(name);
        await controller.ReauthAsync(reregister, cancellationToken);
        return View(controller);
    }

    public async Task<WorkloadView> CancelSignInAsync(string name, CancellationToken cancellationToken)
    {
        var controller = registry.Find(name);
        await controller.CancelSignInAsync(cancellationToken);
        return View(controller);
    }

    public Task RemoveAsync(string name, CancellationToken cancellationToken) => registry.RemoveAsync(name, cancellationToken);

    private static WorkloadView View(WorkloadController controller) => WorkloadViews.From(controller.Snapshot());
}
