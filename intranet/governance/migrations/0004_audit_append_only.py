from django.db import migrations

# The audit log is append-only in the database itself: neither the app nor a mistaken
# query can rewrite who changed what.
FORWARD = """
CREATE OR REPLACE FUNCTION governance_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER governance_audit_append_only
BEFORE UPDATE OR DELETE ON governance_auditentry
FOR EACH ROW EXECUTE FUNCTION governance_audit_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS governance_audit_append_only ON governance_auditentry;
DROP FUNCTION IF EXISTS governance_audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("governance", "0003_kindpolicy_auditentry_space_membershiprequest_and_more")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
