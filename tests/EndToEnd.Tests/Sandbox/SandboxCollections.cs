namespace EndToEnd.Tests.Sandbox;

// One PostgreSQL cluster per collection; the collections run in parallel, each test gets its own database.

[CollectionDefinition(Name)]
public sealed class SandboxMigrationsCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "Sandbox migrations";
}

[CollectionDefinition(Name)]
public sealed class SandboxServicesCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "Sandbox services";
}
