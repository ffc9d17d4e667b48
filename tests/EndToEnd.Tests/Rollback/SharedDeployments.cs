using EndToEnd.Tests.Support;

namespace EndToEnd.Tests.Rollback;

/// <summary>
/// Instance 63 on the real shape, shared by the real-shape test classes of the fault matrix, the dry run and the
/// rehearsal: they run one after the other, each test begins with <see cref="RollbackDeployment.ReadyOnAsync"/>, and a
/// test that leaves the deployment as fresh (healthy on 0.2.0, nothing in flight, compose file and .env unchanged)
/// spares the next one a new sandbox. The suite is CPU-bound on CI's two cores; each sandbox brought up and removed
/// costs about 27 s of CPU.
/// </summary>
public sealed class RealShapeDeployment() : RollbackDeploymentFixture(63, SandboxShape.Real);

[CollectionDefinition(Name)]
public sealed class RealShapeDeploymentCollection : ICollectionFixture<RealShapeDeployment>
{
    public const string Name = "Real-shape deployment (instance 63)";
}

/// <summary>
/// Instance 36 on the runbook's shape, shared the same way by the classes of one or two tests each: failures before
/// the downtime, Ctrl+C during StartBackend, a database newer than the code, and the notifications.
/// </summary>
public sealed class SharedRunbookDeployment() : RollbackDeploymentFixture(36);

[CollectionDefinition(Name)]
public sealed class SharedRunbookDeploymentCollection : ICollectionFixture<SharedRunbookDeployment>
{
    public const string Name = "Runbook-shape deployment (instance 36)";
}
