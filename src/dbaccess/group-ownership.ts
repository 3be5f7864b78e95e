/**
 * @module dbaccess/group-ownership
 * Keeps what owners make owned by `project_owner`. Owners' sessions run as themselves (so each
 * person can see and signal their own backends), which would leave each new object owned by the
 * person who made it and unchangeable by the other owners. An event trigger on `ddl_command_end`
 * in the app database gives every object an owner's DDL leaves owned by that person (pg_shdepend
 * says who owns what) to the group: tables (partitioned ones too), views, materialized views,
 * foreign tables, sequences not owned by a column, functions, procedures, aggregates, types (a
 * range's multirange too), domains, schemas, and the rarer kinds an owner may create (operators,
 * collations, conversions, statistics, text search configurations and dictionaries,
 * publications). Indexes, a table's row type and its column sequences follow their table;
 * temporary objects are left alone (no other session can use them); extensions have no
 * `OWNER TO` and stay with whoever created them. The function is SECURITY INVOKER: it runs as the
 * person, who owns the object and is a member of `project_owner`, which is all `ALTER … OWNER TO`
 * asks. Superusers (Ward itself) and `project_owner` are not touched. Ward's superuser installs
 * it, idempotently, every time it applies a role.
 */

/** Event trigger function and trigger, in schema `ward` (owned by the superuser, no one's USAGE). */
export const GROUP_OWNERSHIP_SQL = `
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'ward') THEN
    CREATE SCHEMA ward;
  END IF;
END $$;
REVOKE ALL ON SCHEMA ward FROM PUBLIC;
CREATE OR REPLACE FUNCTION ward.give_owners_objects_to_group() RETURNS event_trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  me oid;
  cmd record;
  kind text;
  multirange regtype;
BEGIN
  SELECT r.oid INTO me FROM pg_roles r
   WHERE r.rolname = current_user AND r.rolname <> 'project_owner' AND NOT r.rolsuper
     AND pg_has_role(r.oid, 'project_owner', 'MEMBER');
  IF me IS NULL THEN
    RETURN;
  END IF;
  -- The objects this command left owned by the person (pg_shdepend records every owner).
  FOR cmd IN SELECT c.classid, c.objid, c.object_identity FROM pg_event_trigger_ddl_commands() c
              WHERE NOT c.in_extension AND c.objsubid = 0
                AND EXISTS (SELECT 1 FROM pg_shdepend s
                             WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                               AND s.classid = c.classid AND s.objid = c.objid AND s.objsubid = 0
                               AND s.refclassid = 'pg_authid'::regclass AND s.refobjid = me
                               AND s.deptype = 'o') LOOP
    kind := CASE cmd.classid
      WHEN 'pg_class'::regclass THEN (
        SELECT CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'TABLE' WHEN 'v' THEN 'VIEW'
                 WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' END
          FROM pg_class c
         WHERE c.oid = cmd.objid AND c.relpersistence <> 't'
           AND NOT (c.relkind = 'S' AND EXISTS (
                 SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                    AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid <> 0)))
      WHEN 'pg_proc'::regclass THEN (
        SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END
          FROM pg_proc p WHERE p.oid = cmd.objid AND p.pronamespace <> pg_my_temp_schema())
      WHEN 'pg_type'::regclass THEN (
        SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END
          FROM pg_type t WHERE t.oid = cmd.objid AND t.typnamespace <> pg_my_temp_schema())
      WHEN 'pg_namespace'::regclass THEN 'SCHEMA'
      WHEN 'pg_collation'::regclass THEN 'COLLATION'
      WHEN 'pg_conversion'::regclass THEN 'CONVERSION'
      WHEN 'pg_operator'::regclass THEN 'OPERATOR'
      WHEN 'pg_statistic_ext'::regclass THEN 'STATISTICS'
      WHEN 'pg_ts_config'::regclass THEN 'TEXT SEARCH CONFIGURATION'
      WHEN 'pg_ts_dict'::regclass THEN 'TEXT SEARCH DICTIONARY'
      WHEN 'pg_publication'::regclass THEN 'PUBLICATION'
    END;
    IF kind IS NOT NULL THEN
      -- object_identity is already qualified and quoted.
      EXECUTE format('ALTER %s %s OWNER TO project_owner', kind, cmd.object_identity);
      -- PostgreSQL 15 leaves a range's multirange with its old owner.
      FOR multirange IN SELECT rngmultitypid::regtype FROM pg_range
                         WHERE cmd.classid = 'pg_type'::regclass AND rngtypid = cmd.objid LOOP
        EXECUTE format('ALTER TYPE %s OWNER TO project_owner', multirange);
      END LOOP;
    END IF;
  END LOOP;
END
$fn$;
REVOKE ALL ON FUNCTION ward.give_owners_objects_to_group() FROM PUBLIC;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'ward_owners_objects_to_group') THEN
    CREATE EVENT TRIGGER ward_owners_objects_to_group ON ddl_command_end
      EXECUTE FUNCTION ward.give_owners_objects_to_group();
  END IF;
END $$;
`;
