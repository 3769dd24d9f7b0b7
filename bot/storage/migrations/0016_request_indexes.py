from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

# The inbox's unhandled updates, which every claim reads (each person's earliest): a partial
# index, so a claim reads what waits, not every update kept until the next prune. Not in the
# models (tortoise's Meta has no partial index); the same statement on SQLite and PostgreSQL.
PENDING = (
    'CREATE INDEX "inbox_update_pending" ON "inbox_update" ("channel", "person", "id") '
    'WHERE "processed_at" IS NULL'
)


class Migration(migrations.Migration):
    dependencies = [('models', '0015_plan_scope')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='ReportRequest',
            index=Index(fields=['unit_id', 'state']),
        ),
        ops.AddIndex(
            model_name='TaskClosure',
            index=Index(fields=['task_id']),
        ),
        ops.AddIndex(
            model_name='UnitMember',
            index=Index(fields=['member_id']),
        ),
        ops.RunSQL(PENDING, 'DROP INDEX "inbox_update_pending"'),
    ]
