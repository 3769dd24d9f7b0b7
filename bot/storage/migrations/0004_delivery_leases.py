from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_task_section_leader')]

    initial = False

    operations = [
        ops.AddField(
            model_name='InboxUpdate',
            name='lease_owner',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='InboxUpdate',
            name='lease_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='InboxUpdate',
            name='person',
            field=fields.CharField(default='', db_index=True, max_length=128),
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='lease_owner',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='lease_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
