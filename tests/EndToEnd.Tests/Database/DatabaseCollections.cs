using EndToEnd.Tests.Sandbox;

namespace EndToEnd.Tests.Database;

// Host-mode tests share one private PostgreSQL cluster; container-mode tests share one db container. The two
// collections run in parallel; every test gets its own database.

[CollectionDefinition(Name)]
public sealed class HostDatabaseCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "Database on the host";
}

[CollectionDefinition(Name)]
public sealed class ContainerDatabaseCollection : ICollectionFixture<DatabaseContainer>
{
    public const string Name = "Database in a container";
}
