from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

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
    ]
