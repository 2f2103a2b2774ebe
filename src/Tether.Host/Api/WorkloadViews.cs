using Tether.Workloads;

namespace Tether.Api;

/// <summary>Maps a workload's snapshot to what the REST API shows.</summary>
internal static class WorkloadViews
{
    public static WorkloadView From(WorkloadSnapshot snapshot) => new()
    {
        Name = snapshot.Record.Name,
        Status = snapshot.Status.ToWire(),
        StatusReason = snapshot.Reason,
        Health = snapshot.Status.ToHealth(snapshot.RefreshRefused).ToWire(),
        Url = snapshot.LocalUrl,
        RemoteUrl = snapshot.Record.RemoteUrl,
        Transport = snapshot.Record.Transport,
        Port = snapshot.Record.Port ?? 0,
        CreatedAt = snapshot.Record.CreatedAt,
        UpdatedAt = snapshot.UpdatedAt,
        Auth = WorkloadSpecs.Auth(snapshot.Record.Config),
        Issuer = snapshot.Record.Config.Issuer,
        ClientId = snapshot.Record.Config.ClientId,
        SignInUrl = snapshot.SignInUrl,
        SignInDeadline = snapshot.SignInDeadline,
        NextAttemptAt = snapshot.NextAttemptAt,
        TokenExpiresAt = snapshot.TokenExpiresAt,
    };

    public static TransitionView From(StatusTransition transition) =>
        new(transition.At, transition.From.ToWire(), transition.To.ToWire(), transition.Reason);

    public static WorkloadHealthView Health(WorkloadSnapshot snapshot) =>
        new(snapshot.Record.Name, snapshot.Status.ToHealth(snapshot.RefreshRefused).ToWire(), snapshot.Status.ToWire(), snapshot.Reason);
}
