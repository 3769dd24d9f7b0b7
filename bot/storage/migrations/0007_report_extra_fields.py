from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_deferred_jobs')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Plan',
            name='asks_problems',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Plan',
            name='asks_next_steps',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='ProgressReport',
            name='problems',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='ProgressReport',
            name='next_steps',
            field=fields.TextField(null=True, unique=False),
        ),
    ]
