using System.Text;
using Npgsql;
using Transfers.Core.Warehouse;

namespace Transfers.Core.Tests.Warehouse;

public sealed class PostgresShareRolesTests
{
    private const string Schema = "shared";

    [Fact]
    public async Task EnsureAsync_RoleWithPassword_SelectsTablesNowAndLaterButCannotWrite()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        await warehouse.ScalarAsync<object>("CREATE SCHEMA shared; CREATE TABLE shared.before (id int PRIMARY KEY); INSERT INTO shared.before VALUES (1)");
        var roles = new PostgresShareRoles(warehouse);
        var shareId = NewShareId();

        var role = await roles.EnsureAsync("warehouse", Schema, shareId);
        var password = await roles.RotatePasswordAsync("warehouse", shareId);
        await warehouse.ScalarAsync<object>("CREATE TABLE shared.after (id int); INSERT INTO shared.after VALUES (2)");

        try
        {
            await using var reader = await OpenAsAsync(warehouse, role, password);
            Assert.Equal(1, await ScalarAsync(reader, "SELECT id FROM shared.before"));
            Assert.Equal(2, await ScalarAsync(reader, "SELECT id FROM shared.after"));
            foreach (var write in new[]
            {
                "INSERT INTO shared.before VALUES (3)", "UPDATE shared.before SET id = 4", "DELETE FROM shared.before", "CREATE TABLE shared.mine (id int)",
            })
            {
                var error = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(reader, write));
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
            }

            Assert.Equal(1L, await warehouse.ScalarAsync<long>("SELECT count(*) FROM shared.before"));
        }
        finally
        {
            await roles.DropAsync("warehouse", Schema, shareId);
        }
    }

    [Fact]
    public async Task RotatePasswordAsync_SecondTime_OldPasswordNoLongerLogsIn()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var roles = new PostgresShareRoles(warehouse);
        var shareId = NewShareId();
        var role = await roles.EnsureAsync("warehouse", Schema, shareId);
        var old = await roles.RotatePasswordAsync("warehouse", shareId);

        var fresh = await roles.RotatePasswordAsync("warehouse", shareId);

        try
        {
            Assert.NotEqual(old, fresh);
            var error = await Assert.ThrowsAsync<PostgresException>(async () => await OpenAsAsync(warehouse, role, old));
            Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
            await using var connection = await OpenAsAsync(warehouse, role, fresh);
            Assert.Equal(1, await ScalarAsync(connection, "SELECT 1"));
            var stored = await warehouse.ScalarAsync<string>($"SELECT rolpassword FROM pg_authid WHERE rolname = '{role}'");
            Assert.StartsWith("SCRAM-SHA-256$4096:", stored, StringComparison.Ordinal);
            Assert.DoesNotContain(fresh, stored, StringComparison.Ordinal);
        }
        finally
        {
            await roles.DropAsync("warehouse", Schema, shareId);
        }
    }

    [Fact]
    public async Task EnsureAsync_CallersRacing_AllSucceedWithOneLoginRoleWithoutPassword()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var roles = new PostgresShareRoles(warehouse);
        var shareId = NewShareId();

        var names = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => roles.EnsureAsync("warehouse", Schema, shareId)));

        try
        {
            Assert.Single(names.Distinct(StringComparer.Ordinal));
            var role = (await warehouse.RowsAsync(
                $"SELECT rolcanlogin, rolinherit, rolpassword IS NULL, rolsuper, rolcreatedb, rolcreaterole FROM pg_authid WHERE rolname = '{names[0]}'"))[0];
            Assert.Equal(new object?[] { true, false, true, false, false, false }, role);
            Assert.True(await warehouse.ScalarAsync<bool>($"SELECT has_schema_privilege('{names[0]}', 'shared', 'USAGE')"));
            Assert.False(await warehouse.ScalarAsync<bool>($"SELECT has_schema_privilege('{names[0]}', 'shared', 'CREATE')"));
        }
        finally
        {
            await roles.DropAsync("warehouse", Schema, shareId);
        }
    }

    [Fact]
    public async Task EnsureAsync_TableThenReplacedByAnOverwrite_RoleStillSelectsIt()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var roles = new PostgresShareRoles(warehouse);
        var shareId = NewShareId();
        var role = await roles.EnsureAsync("warehouse", Schema, shareId);
        var password = await roles.RotatePasswordAsync("warehouse", shareId);

        for (var load = 0; load < 2; load++)
        {
            await using var connection = await warehouse.DataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using var writer = await PostgresTableWriter.BeginAsync(connection, new PostgresTableTarget(Schema, "items", PostgresWriteMode.Replace, null), startsLoad: true);
            await writer.WriteAsync([new Azure.Data.Tables.TableEntity("p", "r" + load)]);
            await writer.CompleteAsync();
            await writer.SwapAsync();
            await transaction.CommitAsync();
        }

        try
        {
            await using var reader = await OpenAsAsync(warehouse, role, password);
            Assert.Equal("r1", await ScalarAsync(reader, "SELECT string_agg(\"RowKey\", ',') FROM shared.items"));
        }
        finally
        {
            await roles.DropAsync("warehouse", Schema, shareId);
        }
    }

    [Fact]
    public async Task DropAsync_ExistingRole_RemovesRoleAndItsGrants()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var roles = new PostgresShareRoles(warehouse);
        var shareId = NewShareId();
        var role = await roles.EnsureAsync("warehouse", Schema, shareId);

        var dropped = await roles.DropAsync("warehouse", Schema, shareId);
        var again = await roles.DropAsync("warehouse", Schema, shareId);

        Assert.True(dropped);
        Assert.False(again);
        Assert.Equal(0L, await warehouse.ScalarAsync<long>($"SELECT count(*) FROM pg_roles WHERE rolname = '{role}'"));
        Assert.Equal(0L, await warehouse.ScalarAsync<long>("SELECT count(*) FROM pg_default_acl"));
    }

    [Fact]
    public async Task DropAsync_ServiceLoginThatIsNoSuperuser_RevokesItsGrantsAndDropsTheRole()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var service = "svc_" + Guid.NewGuid().ToString("N")[..12];
        var secret = Guid.NewGuid().ToString("N");
        var database = new NpgsqlConnectionStringBuilder(warehouse.ConnectionString).Database;
        await warehouse.ScalarAsync<object>($"CREATE ROLE {service} LOGIN CREATEROLE PASSWORD '{secret}'; GRANT CREATE ON DATABASE \"{database}\" TO {service}");
        await using var asService = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(warehouse.ConnectionString) { Username = service, Password = secret }.ConnectionString);
        var roles = new PostgresShareRoles(Mock.Of<IPostgresDataSources>(d => d.Get("warehouse") == asService));
        var shareId = NewShareId();
        var role = await roles.EnsureAsync("warehouse", Schema, shareId);
        var actsForRole = await warehouse.ScalarAsync<bool>($"SELECT pg_has_role('{service}', '{role}', 'USAGE')");

        var dropped = await roles.DropAsync("warehouse", Schema, shareId);

        Assert.False(actsForRole);
        Assert.True(dropped);
        Assert.Equal(0L, await warehouse.ScalarAsync<long>($"SELECT count(*) FROM pg_roles WHERE rolname = '{role}'"));
        await warehouse.ScalarAsync<object>($"DROP SCHEMA {Schema}; REVOKE ALL ON DATABASE \"{database}\" FROM {service}; DROP ROLE {service}");
    }

    [Fact]
    public void RoleName_IdsAtAndPastTheLimit_FitIn63BytesAndNeverCollide()
    {
        var plain = "s" + new string('a', 63 - "transfers_share_".Length - 1);
        var longA = new string('x', 80) + "a";
        var longB = new string('x', 80) + "b";
        var odd = "Share-Ä.1";

        var names = new[] { plain, longA, longB, odd }.Select(PostgresShareRoles.RoleName).ToList();

        Assert.Equal("transfers_share_" + plain, names[0]);
        Assert.Equal(63, Encoding.UTF8.GetByteCount(names[0]));
        Assert.All(names, n => Assert.True(PostgresNames.IsValidName(n), n));
        Assert.Equal(4, names.Distinct(StringComparer.Ordinal).Count());
        Assert.StartsWith("transfers_share_share___1_", names[3], StringComparison.Ordinal);
    }

    private static string NewShareId() => "t" + Guid.NewGuid().ToString("N")[..16];

    private static async Task<NpgsqlConnection> OpenAsAsync(TestWarehouse warehouse, string role, string password)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(warehouse.ConnectionString)
        {
            Username = role, Password = password, Pooling = false,
        }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
