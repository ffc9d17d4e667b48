namespace Nexplane.Upgrade.Database;

/// <summary>
/// A digest of the app's schema from PostgreSQL's catalogs: every relation, column (type, nullability, default),
/// index, constraint, view, trigger, function, type and sequence definition outside the system schemas, as text,
/// sorted, md5'd. It reads the catalogs only, so it costs the same at any database size. Left out on purpose: what
/// changes without a schema change (oids, file nodes, statistics, sequence positions, which VACUUM and aborted
/// transactions move).
/// </summary>
public static class SchemaDigest
{
    public const string Query = """
        with app_namespaces as (
          select oid, nspname from pg_namespace
          where nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and nspname not like 'pg\_temp\_%' and nspname not like 'pg\_toast\_temp\_%'
        ), definitions as (
          select 'relation ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' ' || c.relpersistence::text as line
          from pg_class c join app_namespaces n on n.oid = c.relnamespace
          union all
          select 'column ' || n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                 || case when a.attnotnull then ' not null' else '' end
                 || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
                 || case when a.attgenerated <> '' then ' generated ' || a.attgenerated::text else '' end
          from pg_attribute a join pg_class c on c.oid = a.attrelid join app_namespaces n on n.oid = c.relnamespace
          left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
          where a.attnum > 0 and not a.attisdropped
          union all
          select 'index ' || pg_get_indexdef(i.indexrelid) from pg_index i join pg_class c on c.oid = i.indexrelid join app_namespaces n on n.oid = c.relnamespace
          union all
          select 'constraint ' || n.nspname || '.' || co.conname || ' on ' || coalesce(c.relname, '') || ' ' || pg_get_constraintdef(co.oid)
          from pg_constraint co join app_namespaces n on n.oid = co.connamespace left join pg_class c on c.oid = co.conrelid
          union all
          select 'view ' || n.nspname || '.' || c.relname || ' ' || pg_get_viewdef(c.oid)
          from pg_class c join app_namespaces n on n.oid = c.relnamespace where c.relkind in ('v', 'm')
          union all
          select 'trigger ' || pg_get_triggerdef(t.oid) from pg_trigger t join pg_class c on c.oid = t.tgrelid join app_namespaces n on n.oid = c.relnamespace
          where not t.tgisinternal
          union all
          select 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' || md5(coalesce(p.prosrc, ''))
          from pg_proc p join app_namespaces n on n.oid = p.pronamespace
          union all
          select 'type ' || n.nspname || '.' || t.typname || ' ' || t.typtype::text || coalesce(' ' || (select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid), '')
          from pg_type t join app_namespaces n on n.oid = t.typnamespace
          union all
          select 'sequence ' || n.nspname || '.' || c.relname || ' ' || format_type(s.seqtypid, null) || ' ' || s.seqincrement || ' ' || s.seqmin || ' ' || s.seqmax
          from pg_sequence s join pg_class c on c.oid = s.seqrelid join app_namespaces n on n.oid = c.relnamespace
          union all
          select 'schema ' || nspname from app_namespaces
        )
        select md5(string_agg(line, E'\n' order by line)) from definitions
        """;
}
